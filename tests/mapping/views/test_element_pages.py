import re

from django.urls import reverse

from mapping.models import Change
from mapping.register import LinkFilter, LiveRegister
from standards.models import Element
from tests.synthetic import build_register


def behaviour(code: str, framework: str = "our-ways") -> str:
    return reverse("element_detail", kwargs={"framework": framework, "code": code})


def standard(code: str, framework: str = "the-standards") -> str:
    return reverse("element_detail", kwargs={"framework": framework, "code": code})


def link_rows(html: str) -> list[str]:
    return re.findall(r'<tr id="link-(\d+)"', html)


def test_a_behaviour_page_shows_its_children_and_the_standards_it_covers(client, small):
    response = client.get(behaviour("B1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1><span class="code">B1</span> Be kind</h1>' in html
    assert "Listen well" in html and "Say thank you" in html  # children
    assert "Standards this behaviour covers" in html
    # direct link first, then the descriptor's link under "Through its …"
    assert link_rows(html) == [str(small["b1_s2"].pk), str(small["b11_s11"].pk)]
    assert "Kindness makes for good service." in html
    assert "Listening is hearing people out." in html
    assert standard("S1.1") in html
    assert "No links yet." in html  # B1.2 has none


def test_a_descriptor_page_names_its_parent(client, small):
    html = client.get(behaviour("B1.1")).content.decode()
    assert "Part of" in html
    assert behaviour("B1") in html
    assert link_rows(html) == [str(small["b11_s11"].pk)]


def test_a_standard_page_shows_the_behaviours_that_cover_it(client, small):
    response = client.get(standard("S1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Behaviours that cover this top" in html
    assert "No links are made directly to S1" in html
    assert link_rows(html) == [str(small["b11_s11"].pk), str(small["b2_s12"].pk)]
    assert behaviour("B2") in html


def test_unknown_codes_are_not_found(client, small):
    assert client.get(behaviour("B99")).status_code == 404
    assert client.get(standard("B1")).status_code == 404
    assert client.get(behaviour("S1")).status_code == 404
    response = client.get("/elements/our-ways/nope/")
    assert "Page not found" in response.content.decode()


def test_element_pages_allow_only_get(client, small):
    assert client.post(behaviour("B1")).status_code == 405


def test_the_demo_pages_show_cih_definitions(client, demo):
    html = client.get(standard("INT", "cih-professional-standards-2021")).content.decode()
    assert "Integrity" in html and "Characteristic in CIH Professional Standards" in html
    assert "Standard statements under it" in html


def test_a_busy_element_lists_the_first_links_of_each_group_and_links_to_the_rest(client, db):
    """900 links: B1 has 30 of its own and 30 through each of its 9 descriptors."""
    mapping = build_register(900)
    html = client.get(behaviour("B1", "synthetic-behaviours")).content.decode()
    register = LiveRegister(mapping)
    first = {
        code: [link.pk for link in register.links(LinkFilter(source=code, sort="target"))[:20]]
        for code in ["B1.1", "B1.9"]
    }
    rows = [int(pk) for pk in link_rows(html)]
    assert len(rows) == 20 * 10
    assert rows[20:40] == first["B1.1"] and rows[-20:] == first["B1.9"]
    table = reverse("link_table")
    assert "The first 20 of 30 are shown." in html
    assert f'<a href="{table}?source=B1">See them all in the link table</a>' in html
    assert f'<a href="{table}?source=B1.1">See all 30 links through B1.1' in html


def test_an_elements_edit_conflict_names_who_saved_it_and_when(small, as_role, people):
    element = small["b1"]
    opened = element.revision
    Change.objects.apply(element, {"title": "Be kinder"}, by=people["publisher"])
    response = as_role("editor").post(
        reverse("element_edit", args=[element.pk]),
        {"title": "Be kind, always", "description": "", "revision": opened,
         "source_check": "unchecked", "level_label": "Behaviour"},
    )  # fmt: skip
    assert response.status_code == 409
    assert "<bdi>publisher</bdi> saved B1 at " in response.content.decode()


def test_publishing_with_nothing_changed_since_the_last_edition_says_so(demo, as_role):
    client = as_role("publisher")
    page = client.get(reverse("edition_publish")).content.decode()
    assert "Nothing has changed since edition 1" in page  # the demo's own, as seeded
    link = demo.links.first()
    Change.objects.apply(link, {"rationale": "Reworded."}, by=None)
    assert "Nothing has changed" not in client.get(reverse("edition_publish")).content.decode()


def test_the_breadcrumbs_lead_where_they_say(demo, client):
    """The register's guide by the register's name; the framework's page by its name."""
    html = client.get("/elements/cih-professional-standards-2021/INT.4/").content.decode()
    crumbs = html.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert f'<a href="/">{demo.name}</a>' in crumbs
    assert '<a href="/frameworks/cih-professional-standards-2021/">' in crumbs


def test_a_checked_date_is_shown_as_a_date_field_can_read_it(small, as_role):
    """A date field reads YYYY-MM-DD only: 22/11/2026 was shown empty, and saving the form
    unchanged was refused for want of the date."""
    import datetime

    from standards.models import SourceCheck

    element = small["s1"]
    Element.objects.filter(pk=element.pk).update(
        source_check=SourceCheck.CHECKED, checked_on=datetime.date(2026, 11, 22)
    )
    page = as_role("editor").get(reverse("element_edit", args=[element.pk])).content.decode()
    assert 'value="2026-11-22"' in page
    changes = as_role("admin").get(reverse("changes"), {"since": "2026-11-22"}).content.decode()
    assert 'value="2026-11-22"' in changes
