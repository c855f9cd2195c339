import re

import pytest
from django.urls import reverse

from mapping.models import Link
from mapping.models.search import stem
from tests.synthetic import build_register

URL = reverse("link_table")


def rows(response) -> list[str]:
    """The link ids of the table's rows, in order."""
    return re.findall(r'<tr id="link-(\d+)"', response.content.decode())


def ids(*links) -> list[str]:
    return [str(link.pk) for link in links]


def element_url(framework: str, code: str) -> str:
    return reverse("element_detail", kwargs={"framework": framework, "code": code})


class TestPage:
    def test_it_lists_every_link_with_both_elements_relation_and_rationale(self, client, small):
        response = client.get(URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<html" in html
        assert rows(response) == ids(small["b1_s2"], small["b11_s11"], small["b2_s12"])
        assert "Listening is hearing people out." in html
        assert "Fully covers" in html
        assert "Offering a cup of tea." in html
        # a descriptor row names its parent behaviour; a statement row its characteristic
        assert re.search(r"under <span class=\"code\">B1</span> Be kind", html)
        assert re.search(r"under <span class=\"code\">S1</span> Respect", html)
        assert element_url("our-ways", "B1.1") in html
        assert element_url("the-standards", "S1.1") in html

    def test_the_htmx_request_gets_only_the_results_fragment(self, client, small):
        response = client.get(URL, {"q": "listen"}, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html and '<form class="filters"' not in html
        assert html.strip().startswith('<section id="results"')
        assert rows(response) == ids(small["b11_s11"])
        assert "HX-Request" in response["Vary"]

    def test_a_history_restore_gets_the_whole_page(self, client, small):
        response = client.get(
            URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
        )
        assert "<html" in response.content.decode()

    def test_it_allows_only_get(self, client, small):
        assert client.post(URL).status_code == 405

    def test_empty_results_say_so(self, client, small):
        response = client.get(URL, {"q": "zebra"})
        assert response.status_code == 200
        assert rows(response) == []
        assert "No links match these filters." in response.content.decode()

    def test_a_register_without_links_says_so_and_how_to_add_them(self, small, as_role):
        Link.objects.filter(mapping=small["mapping"]).delete()
        html = as_role("anonymous").get(URL).content.decode()
        assert "No links yet." in html and "match these filters" not in html
        assert "Download all 0 links" not in html
        html = as_role("editor").get(URL).content.decode()
        assert f'<a href="{reverse("link_create")}">Add a link</a>' in html
        assert f'<a href="{reverse("suggestions")}">suggested links</a>' in html

    def test_its_editors_find_the_suggestions_from_it(self, small, as_role):
        link = f'<a href="{reverse("suggestions")}">Suggested links to review</a>'
        assert link in as_role("editor").get(URL).content.decode()
        assert link not in as_role("viewer").get(URL).content.decode()

    def test_one_link_is_one_link(self, small, client):
        Link.objects.filter(mapping=small["mapping"]).exclude(pk=small["b11_s11"].pk).delete()
        html = client.get(URL).content.decode()
        assert "Download the 1 link:" in html and "1 links" not in html

    def test_without_a_mapping_it_is_not_found(self, client, db):
        assert client.get(URL).status_code == 404


class TestFilters:
    def test_behaviour_includes_its_descriptors(self, client, small):
        assert rows(client.get(URL, {"source": "B1"})) == ids(small["b1_s2"], small["b11_s11"])
        assert rows(client.get(URL, {"source": "B1.1"})) == ids(small["b11_s11"])

    def test_standard_includes_its_statements(self, client, small):
        assert rows(client.get(URL, {"target": "S1"})) == ids(small["b11_s11"], small["b2_s12"])
        assert rows(client.get(URL, {"target": "S2"})) == ids(small["b1_s2"])

    def test_relation(self, client, small):
        assert rows(client.get(URL, {"relation": "partly_covers"})) == ids(small["b2_s12"])

    def test_a_word_finds_its_other_forms_but_a_phrase_in_quotes_only_itself(self, client,
                                                                           small):  # fmt: skip
        """ "listens" finds "Listening", "challenged" finds "challenging", "services"
        finds "service"; quoted, "listens" finds nothing (no link says it)."""
        for typed, link in [("listens", "b11_s11"), ("challenged", "b2_s12"),
                            ("services", "b1_s2"), ("SERVICES", "b1_s2")]:  # fmt: skip
            assert rows(client.get(URL, {"q": typed})) == ids(small[link]), typed
        assert rows(client.get(URL, {"q": '"listens"'})) == []
        # Stems by English rules: "states" is "state" (not "stat", in "statement" alone).
        assert [stem(w) for w in ("states", "Policies", "process", "B2.3", "kind")] == [
            "state", "Polic", "process", "B2.3", "kind"]  # fmt: skip

    def test_free_text_over_titles_codes_and_rationale(self, client, small):
        assert rows(client.get(URL, {"q": "service"})) == ids(small["b1_s2"])
        # "kindness" is found by its stem, "kind": in a rationale and in B1's title "Be kind".
        assert rows(client.get(URL, {"q": "kindness"})) == ids(small["b1_s2"], small["b11_s11"])
        assert rows(client.get(URL, {"q": "S1.2"})) == ids(small["b2_s12"])
        assert rows(client.get(URL, {"q": "hear people"})) == ids(small["b11_s11"])

    def test_the_downloads_offer_the_pdf_and_are_not_offered_for_nothing(self, client, small):
        html = client.get(URL, {"q": "listen"}).content.decode()
        assert "Download the 1 link that matches" in html
        assert f'href="{reverse("guide_pdf")}" download>the printable register (PDF' in html
        html = client.get(URL, {"q": "zebra"}).content.decode()
        assert "No links match" in html and "Download" not in html

    def test_a_search_reads_what_people_type_as_they_mean_it(self, client, small):
        from mapping.models import LinkStatus
        from standards.models import Element

        b10 = Element.objects.create(framework=small["behaviours"], code="B10",
                                     title="Be open", level_label="Top", position=10)  # fmt: skip
        ten = Link.objects.create(
            mapping=small["mapping"], source=b10, target=small["s11"], relation="supports",
            rationale="Tenants’ voices are heard.", status=LinkStatus.APPROVED,
        )  # fmt: skip
        found = {q: rows(client.get(URL, {"q": q})) for q in (
            "B1", "b1", "B10", "B1.1 → S1.1", "B1.1->S1.1", "b1.1 -> s1.1", "tenants' voices",
            "“people hear”", "people hear", '"hearing people"', "listening’s", "“",
        )}  # fmt: skip
        # A code finds its element and those under it, not B10, whose code only starts so.
        assert found["B1"] == found["b1"] == ids(small["b1_s2"], small["b11_s11"])
        assert found["B10"] == ids(ten)
        # A link's reference, as the pages print it or as typed, finds that link.
        for typed in ("B1.1 → S1.1", "B1.1->S1.1", "b1.1 -> s1.1"):
            assert found[typed] == ids(small["b11_s11"]), typed
        # Apostrophes alike whichever was typed or stored; quotes make a phrase.
        assert found["tenants' voices"] == ids(ten)
        assert found["“people hear”"] == []  # not a phrase in any link, though both words are
        assert found["people hear"] == ids(small["b11_s11"], ten)
        assert found['"hearing people"'] == ids(small["b11_s11"])
        assert found["listening’s"] == []
        assert len(found["“"]) == 4  # a quote mark alone: no words, every link

    def test_welsh_letters_are_found_in_any_case_and_however_they_were_typed(
        self, client, small, as_role
    ):
        """SQLite folds the case of A to Z alone: a short word with ŷ or â is found in either
        case. And text pasted decomposed ("w" then a combining circumflex) is saved as the
        one letter people type, so that what they type finds it."""
        from mapping.models import LinkStatus

        welsh = Link.objects.create(
            mapping=small["mapping"], source=small["b12"], target=small["s2"],
            relation="supports", rationale="Mae’r tŷ â’r gymuned.", status=LinkStatus.APPROVED,
        )  # fmt: skip
        for typed in ("tŷ", "TŶ", "Tŷ", "Â’R", "â'r"):
            assert rows(client.get(URL, {"q": typed})) == ids(welsh), typed
        decomposed = "Rhannu gwybodaeth am ddw\u0302r gla\u0302n."
        response = as_role("editor").post(
            reverse("link_create"), {"source": "B2", "target": "S2", "relation": "supports",
                                     "rationale": decomposed},
        )  # fmt: skip
        assert response.status_code in (200, 302), response.content.decode()[-500:]
        saved = Link.objects.get(source=small["b2"], target=small["s2"])
        assert saved.rationale == "Rhannu gwybodaeth am ddŵr glân."
        for typed in ("glân", "ddŵr", "gla\u0302n"):
            assert rows(client.get(URL, {"q": typed})) == ids(saved), typed

    def test_codes_in_the_address_are_read_in_any_case(self, client, small):
        assert rows(client.get(URL, {"source": "b1", "target": "s1"})) == ids(small["b11_s11"])
        html = client.get(URL, {"source": "b1"}).content.decode()
        assert '<option value="B1" selected>' in html
        response = client.get(element_url("the-standards", "s1.1"), {"style": "x"})
        assert response.status_code == 302
        assert response["Location"] == element_url("the-standards", "S1.1") + "?style=x"
        assert client.get(element_url("the-standards", "s9")).status_code == 404

    def test_combined_filters_narrow_together(self, client, small):
        assert rows(client.get(URL, {"source": "B1", "target": "S1"})) == ids(small["b11_s11"])
        assert rows(client.get(URL, {"source": "B1", "relation": "partly_covers"})) == []
        assert rows(client.get(URL, {"target": "S1", "q": "brave"})) == ids(small["b2_s12"])

    def test_the_form_keeps_the_chosen_filters(self, client, small):
        html = client.get(URL, {"source": "B1", "q": "kind"}).content.decode()
        assert '<option value="B1" selected>' in html
        assert 'value="kind"' in html


class TestSort:
    def test_sort_by_standard(self, client, small):
        assert rows(client.get(URL, {"sort": "target"})) == ids(
            small["b11_s11"], small["b2_s12"], small["b1_s2"]
        )

    def test_sort_descending(self, client, small):
        assert rows(client.get(URL, {"sort": "-source"})) == ids(
            small["b2_s12"], small["b11_s11"], small["b1_s2"]
        )

    def test_sort_by_relation(self, client, small):
        assert rows(client.get(URL, {"sort": "relation"})) == ids(
            small["b11_s11"], small["b2_s12"], small["b1_s2"]
        )

    def test_sort_by_last_update(self, client, small):
        small["b1_s2"].save()  # touches updated_at
        assert rows(client.get(URL, {"sort": "-updated"}))[0] == str(small["b1_s2"].pk)


class TestPagination:
    def test_fifty_a_page_with_links_between_pages(self, client, demo):
        first = client.get(URL)
        assert len(rows(first)) == 50
        html = first.content.decode()
        assert "Showing 1–50 of 86 links." in html
        assert 'href="?page=2"' in html
        second = client.get(URL, {"page": 2})
        assert len(rows(second)) == 36
        assert not set(rows(first)) & set(rows(second))
        assert "Showing 51–86 of 86 links." in second.content.decode()

    def test_one_match_reads_as_one(self, client, demo):
        link = demo.links.get(source__code="B1.1", target__code="INC.3")
        html = client.get(URL, {"q": link.rationale}).content.decode()
        assert "Showing 1 of 1 link that matches the filters." in html

    def test_page_links_keep_the_filters(self, client, db):
        build_register(120)
        html = client.get(URL, {"q": "rationale", "sort": "relation"}).content.decode()
        assert "Showing 1–50 of 120 links that match the filters." in html
        assert 'href="?q=rationale&amp;sort=relation&amp;page=2"' in html
        assert 'href="?q=rationale&amp;sort=relation&amp;page=3"' in html


class TestBadInput:
    @pytest.mark.parametrize(
        ("params", "field", "message"),
        [
            ({"source": "B99"}, "Behaviour", "“B99” is not a behaviour in this register."),
            ({"source": "S1"}, "Behaviour", "“S1” is not a behaviour in this register."),
            ({"target": "B1"}, "Standard", "“B1” is not a standard in this register."),
            ({"relation": "loves"}, "Relation", "“loves” is not a relation Weave knows."),
            ({"sort": "colour"}, "Sort by", "“colour” is not a way to sort the table."),
            ({"page": "two"}, "Page", "The page must be a whole number."),
            ({"page": "0"}, "Page", "Pages start at 1."),
            ({"page": "7"}, "Page", "There is no page 7: these results have 1 page."),
            ({"q": "x" * 201}, "Search", "Keep the search under 200 characters."),
        ],
    )
    def test_an_invalid_value_is_a_400_that_names_it(self, client, small, params, field, message):
        response = client.get(URL, params)
        assert response.status_code == 400
        html = response.content.decode()
        assert f"<strong>{field}</strong>: {message}" in html
        assert rows(response) == []

    def test_the_htmx_fragment_also_reports_the_error(self, client, small):
        response = client.get(URL, {"relation": "loves"}, headers={"HX-Request": "true"})
        assert response.status_code == 400
        assert "“loves” is not a relation Weave knows." in response.content.decode()
