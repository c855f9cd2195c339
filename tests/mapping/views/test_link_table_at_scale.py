"""The link table at any size: sorts read stored, indexed order keys that follow every
change to the tree; pages beyond counting move by position; searches read an index and
find exactly what reading every row would."""

import re
from html import unescape

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.models import Change, Edition, Link, LinkSort, Mapping, Side
from mapping.models.search import terms
from mapping.register import EditionRegister, LinkFilter, LiveRegister, paging
from standards.models import Element, tree_order
from tests.synthetic import build_register

URL = reverse("link_table")


def rows(response) -> list[str]:
    return re.findall(r'<tr id="link-(\d+)"', response.content.decode())


def expected_order(register, sort: str) -> list[int]:
    """The order each sort promises, worked out in Python from the element tree."""
    place = {}
    for side in Side:
        for index, element in enumerate(register.elements(side)):
            place[element.pk] = index
    strength = {"same_as": 0, "fully_covers": 1, "partly_covers": 2, "closely_matches": 3,
                "supports": 4}  # fmt: skip
    keys = {
        "source": lambda link: (place[link.source_id], place[link.target_id]),
        "target": lambda link: (place[link.target_id], place[link.source_id]),
        "relation": lambda link: (
            strength[link.relation],
            place[link.source_id],
            place[link.target_id],
        ),
        "updated": lambda link: (link.updated_at,),
    }
    key = keys[sort.removeprefix("-")]
    links = sorted(register.all_links(), key=lambda link: (*key(link), link.link_id))
    if sort.startswith("-"):
        links.reverse()
    return [link.link_id for link in links]


@pytest.mark.parametrize("sort", LinkSort.values)
def test_every_sort_follows_the_tree_after_elements_move(demo, sort):
    # Move a behaviour to the front and a standard statement under another characteristic.
    last = Element.objects.filter(framework=demo.source_framework, parent=None).last()
    Change.objects.apply(last, {"position": 0}, by=None)
    statement = Element.objects.filter(framework=demo.target_framework).exclude(parent=None).first()
    other = Element.objects.filter(framework=demo.target_framework, parent=None).last()
    Change.objects.apply(statement, {"parent_id": other.pk, "position": 99}, by=None)
    register = LiveRegister(Mapping.objects.default())
    assert list(register.links(LinkFilter(sort=sort)).values_list("pk", flat=True)) == (
        expected_order(register, sort)
    )


def test_stored_ranks_are_the_tree_order_after_every_kind_of_write(demo):
    framework = demo.source_framework
    Element.objects.create(framework=framework, code="B0", title="First", level_label="B",
                           position=0)  # fmt: skip
    child = Element.objects.filter(framework=framework).exclude(parent=None).first()
    Change.objects.apply(child, {"code": "A-first"}, by=None)
    elements = Element.objects.filter(framework=framework).order_by("position", "code")
    assert [e.pk for e in tree_order(elements)] == list(
        Element.objects.filter(framework=framework)
        .order_by("tree_rank")
        .values_list("pk", flat=True)
    )
    # and every link carries its elements' ranks
    for link in Link.objects.filter(mapping=demo).select_related("source", "target"):
        assert (link.source_rank, link.target_rank) == (
            link.source.tree_rank,
            link.target.tree_rank,
        )


class TestPagesBeyondCounting:
    @pytest.fixture
    def big(self, db, monkeypatch, settings):
        """A register 'too large to count': the limit is lowered, not the register raised."""
        monkeypatch.setattr(paging, "COUNT_LIMIT", 30)
        settings.WEAVE_LINKS_PER_PAGE = 7
        return build_register(60)

    @pytest.mark.parametrize("sort", ["source", "-target", "relation", "-updated"])
    def test_next_walks_every_link_once_in_order_and_previous_walks_back(self, client, big,
                                                                          sort):  # fmt: skip
        every = expected_order(LiveRegister(big), sort)
        seen, response, pages = [], client.get(URL, {"sort": sort}), []
        while True:
            assert response.status_code == 200
            html = response.content.decode()
            assert "of more than 30 links" in html
            # Each page says where it is as far as it is known: never "Showing 7 of …",
            # which reads as if 7 were all there are.
            shown = re.search(r"Showing (the first|the last|a page of|1–7) ", html)
            assert shown, html[html.index("results-summary") :][:300]
            pages.append(rows(response))
            seen += rows(response)
            found = re.search(r'href="\?([^"]*)" rel="next"', html)
            if not found:
                break
            response = client.get(f"{URL}?{unescape(found.group(1))}")
        assert seen == [str(pk) for pk in every]
        assert all(len(page) == 7 for page in pages[:-1])
        # From the last page, Previous walks back through the same pages.
        response = client.get(URL, {"sort": sort, "before": "last"})
        back = [rows(response)]
        while found := re.search(r'href="\?([^"]*)" rel="prev"', response.content.decode()):
            response = client.get(f"{URL}?{unescape(found.group(1))}")
            back.insert(0, rows(response))
        assert [pk for page in back for pk in page] == seen
        assert all(len(page) == 7 for page in back[1:])

    def test_a_small_table_still_has_numbered_pages(self, client, db, settings):
        settings.WEAVE_LINKS_PER_PAGE = 10
        build_register(25)
        html = client.get(URL).content.decode()
        assert "Showing 1–10 of 25 links" in html
        assert 'href="?page=3"' in html

    @pytest.mark.parametrize(
        "marker", ["x", "1.2", "1.2.3.4", "9" * 30, "1..2", "-1.2.3", "last.1"]
    )
    def test_a_marker_it_did_not_make_is_a_clear_400(self, client, big, marker):
        for name in ("after", "before"):
            response = client.get(URL, {name: marker})
            assert response.status_code == 400, (name, marker)
            assert "start again from the first page" in response.content.decode()

    def test_an_updated_marker_round_trips_microseconds(self, client, big):
        html = client.get(URL, {"sort": "updated"}).content.decode()
        found = re.search(r'href="\?([^"]*)" rel="next"', html)
        following = client.get(f"{URL}?{unescape(found.group(1))}")
        assert following.status_code == 200
        # The next page goes on from the first: no link repeated, none skipped between.
        every = [str(pk) for pk in expected_order(LiveRegister(big), "updated")]
        first = re.findall(r'<tr id="link-(\d+)"', html)
        assert first + rows(following) == every[: len(first) + len(rows(following))]


WORDS = st.sampled_from(
    ["part", "PART", "3", "31", "rationale", "Behaviours 2", "s1.", "b1", "x", "zz", "and",
     "%", "_", '"', "2:", "é", "Kind", "tea"]
)  # fmt: skip


@pytest.fixture
def searched(db):
    mapping = build_register(150)
    link = Link.objects.filter(mapping=mapping).first()
    Change.objects.apply(link, {"example": 'A cup of "tea", 100% é and 2_3.'}, by=None)
    Element.objects.filter(pk=link.source_id).update(title="Kind words")
    Edition.objects.publish(mapping, by=None, title="One")
    return mapping


def _by_reading(register, text: str) -> list[int]:
    """What a search finds by reading every row, as the link table did before its index,
    and, for words of three letters or more, the elements each end sits under."""
    found = []
    for link in register.fetch(register.links(LinkFilter())):
        fields = [link.source.code, link.source.title, link.target.code,
                  link.target.title, link.rationale, link.example]  # fmt: skip
        above = [f for end in (link.source, link.target) for f in _ancestors(end)]
        if all(
            any(word.casefold() in f.casefold() for f in above * (len(word) >= 3))
            or (any(word.casefold() in f.casefold() for f in fields) and _whole(word, link))
            for word in terms(text)  # its words and phrases, as typed
        ):
            found.append(link.link_id)
    return found


def _whole(word: str, link) -> bool:
    """A code-like word finds a link by its codes only where one is that code or one under
    it: "b1" finds B1 and B1.2, not B10 (unless its other end is B1's)."""
    if not re.fullmatch(r"[a-z]+\.?\d(?:[\w.]*\w)?", word, re.IGNORECASE):
        return True
    codes = [code.casefold() for code in (link.source.code, link.target.code)]
    wanted = word.casefold()
    whole = any(code == wanted or code.startswith(wanted + ".") for code in codes)
    longer = any(code.startswith(wanted) and code[len(wanted) :][:1].isalnum() for code in codes)
    return whole or not longer


def _ancestors(element) -> list[str]:
    found = []
    while (element := getattr(element, "parent", None)) is not None:
        found += [element.code, element.title]
    return found


def test_a_search_for_a_name_finds_the_links_under_it_too(client, demo):
    """Staff look for "Advocate": the links to its statements are Advocate's too."""
    advocate = rows(client.get("/links/", {"q": "advocate"}))
    assert advocate == rows(client.get("/links/", {"target": "ADV"})) and len(advocate) > 1
    assert rows(client.get("/links/", {"q": "ADVOCATE respect"})) == rows(
        client.get("/links/", {"target": "ADV", "q": "respect"})
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.lists(WORDS, min_size=1, max_size=3))
def test_a_search_finds_what_reading_every_row_would_live_and_frozen(searched, words):
    text = " ".join(words)
    for register in (LiveRegister(searched), EditionRegister(searched.editions.get())):
        found = register.links(LinkFilter(text=text)).values_list(
            register._links().model.stable_id, flat=True
        )
        assert list(found) == _by_reading(register, text), text


def test_a_search_follows_renamed_elements_and_edited_links(searched, client):
    link = Link.objects.filter(mapping=searched).last()
    Change.objects.apply(link, {"rationale": "Quokkas are cheerful."}, by=None)
    standard = link.target
    Change.objects.apply(standard, {"title": "Wombat handling"}, by=None)
    assert rows(client.get(URL, {"q": "quokkas"})) == [str(link.pk)]
    assert str(link.pk) in rows(client.get(URL, {"q": "WOMBAT"}))
    # the edition published before still finds what it froze, and not the new words
    frozen = reverse("link_table", kwargs={"number": 1})
    assert rows(client.get(frozen, {"q": "quokkas"})) == []
    assert rows(client.get(frozen, {"q": "kind words"}))


@pytest.mark.parametrize("number", ["1000001", "9" * 40])
def test_a_page_number_too_large_for_any_table_is_a_clear_400(client, db, monkeypatch, number):
    monkeypatch.setattr(paging, "COUNT_LIMIT", 5)
    build_register(20)
    response = client.get(URL, {"page": number})
    assert response.status_code == 400
    assert "There are not that many pages" in response.content.decode()


def test_a_page_past_the_end_of_an_uncounted_table_says_so(client, db, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_LIMIT", 5)
    build_register(20)
    response = client.get(URL, {"page": "900"})
    assert response.status_code == 400
    assert "There is no page 900" in response.content.decode()
