"""Starting a register from what is already mapped (a register S → A and a crosswalk A → B
make S → B, empty but full of inferred suggestions), and the organisation's view: every
register with its coverage figures on the site's home and the list of registers, and a
behaviour's standing in every standards framework on its page."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from mapping.models import Link, Mapping
from mapping.register import LiveRegister
from standards.models import Element, Framework
from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.find("<main") :]))


@pytest.fixture
def before_started(demo):
    """The demo, from which another behaviours → Competence and Conduct register can start
    (beside the one the demo started)."""
    return demo


def test_new_offers_to_start_from_what_we_already_mapped(before_started, as_role):
    text = _text(as_role("editor").get(reverse("mapping_create")))
    assert "Start from what we already mapped" in text
    assert ("Example Homes: Our Behaviours → CIH Professional Standards → Competence and "
            "Conduct Standard (from “Our Behaviours and the CIH Professional Standards” and the "
            "crosswalk “CIH Professional Standards onto the Competence and Conduct Standard”); "
            "already mapped in “Our Behaviours and the Competence and Conduct Standard”: start "
            "another only to try a new approach") in text  # fmt: skip


def test_starting_makes_an_empty_register_full_of_suggestions(before_started, as_role):
    client = as_role("editor")
    response = client.post(reverse("mapping_create"), {
        "route": "example-homes-cih+cih-cc", "name": "Behaviours and C&C", "slug": "bcc",
    })  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == "/m/bcc/suggestions/"
    made = Mapping.objects.with_frameworks().get(slug="bcc")
    assert made.source_framework.slug == "example-homes-behaviours"
    assert made.target_framework.slug == "competence-and-conduct-2025"
    assert made.organisation == before_started.organisation and not made.links.exists()
    inferred = LiveRegister(made).inferred
    assert len(inferred) == 25  # every pair the two registers reach
    # A short name left blank is made from the name, as on the form for a new register.
    named = client.post(reverse("mapping_create"), {
        "route": "example-homes-cih+cih-cc", "name": "Ymddygiadau a’r Safon", "slug": "",
    })  # fmt: skip
    assert named["Location"] == "/m/ymddygiadau-ar-safon/suggestions/"
    page = client.get(response["Location"])
    assert f"with {len(inferred)} suggestions inferred through the crosswalk" in _text(page)
    assert f"Inferred through crosswalks ({len(inferred)})" in _text(page)


@pytest.mark.parametrize(("data", "said"), [
    ({"route": "example-homes-cih+nope", "name": "X", "slug": "x"},
     "That is not a register and a crosswalk that meet"),
    ({"route": "cih-cc+example-homes-cih", "name": "X", "slug": "x"},
     "That is not a register and a crosswalk that meet"),
    ({"route": "example-homes-cih+cih-cc", "name": "X", "slug": "example-homes-cih"},
     "A register already has that short name"),
    ({"route": "example-homes-cih+cih-cc", "name": "X", "slug": "new"}, "“new” is kept"),
    ({"route": "example-homes-cih+cih-cc", "name": "", "slug": "x"}, "This field is required"),
    ({"starting": "1", "name": "X", "slug": "x"}, "Choose what to start from."),
])  # fmt: skip
def test_starting_badly_says_why_and_makes_nothing(before_started, as_role, data, said):
    count = Mapping.objects.count()
    response = as_role("editor").post(reverse("mapping_create"), data)
    assert response.status_code == 400
    assert said in response.content.decode()
    assert Mapping.objects.count() == count
    # The empty register's form below is left as it was, not filled with the start's fields.
    assert "Say which organisation publishes it" not in response.content.decode()


def test_the_only_route_is_chosen_already(before_started, as_role):
    page = as_role("editor").get(reverse("mapping_create")).content.decode()
    [route] = [(base.slug, cross.slug) for base, cross in Mapping.objects.routes()]
    chosen = re.findall(r'<input type="radio" name="route" value="([^"]+)"[^>]* checked', page)
    assert chosen == ["+".join(route)]


def test_a_register_from_a_framework_to_itself_is_refused(before_started, as_role):
    cih = before_started.target_framework
    response = as_role("editor").post(reverse("mapping_create"), {
        "name": "Round", "slug": "round", "organisation": "Org", "source_framework": cih.pk,
        "target_framework": cih.pk, "licence_url": "",
    })  # fmt: skip
    assert response.status_code == 400
    assert "A register links two different frameworks" in response.content.decode()
    assert not Mapping.objects.filter(slug="round").exists()


def test_a_route_back_to_where_it_started_is_not_offered(demo):
    """A crosswalk from the CIH standards back to the behaviours would make a register
    from the behaviours to themselves: it is no route."""
    routes = {(base.slug, cross.slug) for base, cross in Mapping.objects.routes()}
    assert ("example-homes-cih", "cih-cc") in routes
    assert all(base != cross for base, cross in routes)
    assert ("cih-cc", "example-homes-cih") not in routes


def test_the_home_lists_every_register_and_crosswalk_with_coverage(demo, client):
    text = _text(client.get("/"))
    assert "Where we stand against each set of standards" in text
    assert "CIH Professional Standards onto the Competence and Conduct Standard" in text
    assert "Crosswalk" in text
    cc = LiveRegister(Mapping.objects.get(slug="example-homes-cc")).coverage.target_levels[0]
    percent = round(100 * cc.covered / cc.total)
    assert f"{percent}% of required outcomes of Competence and Conduct Standard covered in " \
        f"Our Behaviours and the Competence and Conduct Standard ({cc.covered} of {cc.total}; " \
        f"{cc.inferred} reached only by inference)" in text  # fmt: skip
    assert "100% of characteristics of CIH Professional Standards covered" in text
    # …and it follows the data: the home is kept per version of the whole site.
    Link.objects.filter(mapping__slug="example-homes-cc").delete()
    assert f"0% of required outcomes of Competence and Conduct Standard covered in Our " \
        f"Behaviours and the Competence and Conduct Standard (0 of {cc.total}" \
        in _text(client.get("/"))  # fmt: skip


def test_the_list_of_registers_shows_their_figures(demo, client):
    text = _text(client.get(reverse("mapping_list")))
    # Each level of the target its own percentage, as the coverage page gives it: never
    # one pooled over levels, which no other page shows.
    for level in LiveRegister(Mapping.objects.get(slug="example-homes-cih")).coverage.target_levels:
        said = f"{level.percent}% of {level.label.lower()}s"
        assert f"{said} ({level.covered} of {level.total})" in text or said in text
    assert "Our Behaviours and the Competence and Conduct Standard" in text
    assert "links inferred through a crosswalk, not reviewed" in text


def test_a_behaviours_page_shows_its_standing_in_every_standards_framework(demo, client):
    text = _text(client.get("/elements/example-homes-behaviours/B5/"))
    assert "B5 in every set of standards" in text
    cih_links = Link.objects.filter(mapping=demo, source__code__startswith="B5").count()
    assert re.search(rf"CIH Professional Standards \(Our Behaviours and the CIH Professional "
                     rf"Standards\) {cih_links} links 0", text)  # fmt: skip
    cc = LiveRegister(Mapping.objects.get(slug="example-homes-cc"))
    b5 = [link for link in cc.inferred if link.source.code.startswith("B5")]
    assert re.search(rf"Competence and Conduct Standard \(Our Behaviours and the Competence "
                     rf"and Conduct Standard\) 1 link {len(b5)}", text)  # fmt: skip


def test_an_empty_trial_register_does_not_hide_the_one_with_links(demo, client):
    """Two registers onto one framework: the page reads the one with links (a trial started
    beside it, empty and first by name, used to win)."""
    cc = Mapping.objects.get(slug="example-homes-cc")
    Mapping.objects.create(name="A trial onto C&C", slug="a-trial", organisation="Org",
                           source_framework=cc.source_framework,
                           target_framework=cc.target_framework)  # fmt: skip
    text = _text(client.get("/elements/example-homes-behaviours/B5/"))
    assert "Competence and Conduct Standard (Our Behaviours and the Competence and Conduct " \
        "Standard) 1 link" in text  # fmt: skip
    assert "A trial onto C&C" not in text


def test_a_standards_framework_without_a_register_shows_what_is_inferred(demo, client):
    principles = Framework.objects.create(name="Seven Principles", slug="principles",
                                          kind="standards", publisher="Committee")  # fmt: skip
    honesty = Element.objects.create(framework=principles, code="P7", title="Honesty",
                                     level_label="Principle")  # fmt: skip
    crosswalk = Mapping.objects.create(name="CIH onto the Principles", slug="cih-p",
                                       organisation="Org", source_framework=demo.target_framework,
                                       target_framework=principles)  # fmt: skip
    Link.objects.create(mapping=crosswalk, source=demo.target_framework.elements.get(code="INT.4"),
                        target=honesty, relation="fully_covers", rationale="Both honesty.",
                        status="approved")  # fmt: skip
    text = _text(client.get("/elements/example-homes-behaviours/B2/"))
    to_int4 = demo.links.filter(target__code="INT.4", source__code__startswith="B2")
    reaching = {link.source.code for link in to_int4}
    assert f"Seven Principles (no register yet) — {len(reaching)}" in text


def test_a_standards_page_has_no_standing_table(demo, client):
    text = _text(client.get("/elements/cih-professional-standards-2021/INT/"))
    assert "in every set of standards" not in text


def test_the_gap_report_never_calls_what_only_inference_reaches_covered(demo, client):
    page = client.get("/m/example-homes-cc/coverage/").content.decode()
    assert '<h2 id="inferred-heading">Reached only by inference (not covered)</h2>' in page
    assert '<th scope="col">Not covered: reached only by inference</th>' in page
    assert "<strong>Not covered</strong>, reached only by inference: " in page
    assert "Covered only by inference" not in page
    # More than three inferred links to one element: the rest are counted as links, not
    # read as another path of the last one named.
    assert re.search(r"; and \d+ more inferred links?, not reviewed\.", page)
    assert " more, not reviewed" not in page
    # The summary names each route, not the first one alone.
    summary = page[page.index('id="inferred-heading"') :]
    routes = re.findall(r"\d+ inferred, not reviewed: ([^)]*)\)", summary)
    assert routes and any(route.count("inferred through") > 1 for route in routes), routes


def test_the_gap_tables_say_not_linked_of_sources_and_are_named_by_their_headings(demo, client):
    page = client.get("/m/example-homes-cc/coverage/").content.decode()
    targets = page[page.index('id="target-gaps-heading"') : page.index('id="source-gaps-heading"')]
    sources = page[page.index('id="source-gaps-heading"') : page.index('id="inferred-heading"')]
    assert '<div class="table-scroll" tabindex="0" role="group" aria-labelledby="target-gaps' \
        in targets  # fmt: skip
    assert 'aria-labelledby="source-gaps-heading"' in sources
    assert "<strong>Not linked</strong>, reached only by inference: " in sources
    assert "Not covered" not in sources


def test_a_level_is_made_plural_by_the_rules_of_english(demo, client):
    """A framework's levels are its publisher's words: "Category" becomes "Categories",
    not "Categorys", wherever a page counts them."""
    from mapping.templatetags.weave import plural_of

    framework = demo.target_framework  # saying no plural of its own
    assert [plural_of(w, framework) for w in ("Behaviour", "Category", "Box", "Day", "")] == [
        "Behaviours", "Categories", "Boxes", "Days", ""]  # fmt: skip
    demo.target_framework.elements.filter(parent=None).update(level_label="Category")
    call_command("announce_changes", stdout=io.StringIO())  # an UPDATE, behind the write path
    for url in ("/coverage/", reverse("mapping_list")):
        page = client.get(url).content.decode()
        assert "ategories" in page and "ategorys" not in page, url


def test_a_levels_name_is_counted_and_kept_as_written_in_every_sentence(demo, client):
    """An acronym stays one ("2 KSBs", not "2 ksbs"), and a count of one is singular: on the
    guide's headline, the coverage page and the PDF; and a framework without a citation
    note has no empty line about it."""
    from mapping.coverage.rules import LevelSummary
    from mapping.templatetags.weave import lowered

    assert [lowered(w) for w in ("KSB", "Standard statement", "")] == [
        "KSB",
        "standard statement",
        "",
    ]
    assert [LevelSummary("Capability", "Capabilities", n).named for n in (0, 1, 2)] == [
        "Capabilities", "Capability", "Capabilities"]  # fmt: skip
    standards = demo.target_framework
    standards.elements.filter(parent=None).update(level_label="Capability")
    standards.elements.exclude(parent=None).update(level_label="KSB")
    type(standards).objects.filter(pk=standards.pk).update(citation_note="", source_url="")
    call_command("announce_changes", stdout=io.StringIO())
    guide = _text(client.get("/"))
    assert re.search(r"\d+ of \d+ capabilities are covered", guide), guide
    assert re.search(r"\d+ of \d+ KSBs are covered", guide), guide
    assert "capabilitys" not in guide and "ksb" not in guide
    assert "About the standards" not in guide
    for url in ("/coverage/", reverse("mapping_list")):
        page = _text(client.get(url))
        assert "ksb" not in page and "capabilitys" not in page and "KSBs" in page, url
