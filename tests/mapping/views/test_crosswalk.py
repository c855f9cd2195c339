"""A register between two standards frameworks (a crosswalk), made through the models like
any other: every page of it reads, live and at an edition, in its frameworks' own words."""

import re

import pytest
from django.urls import reverse

from mapping.models import Edition, Link, LinkStatus, Mapping, Side
from mapping.register import LiveRegister
from standards.models import Element, Framework
from tests.mapping.views.test_every_view import BY_NAME, VIEWS


@pytest.fixture
def crosswalk(small, people):
    """CIH-like characteristics and statements onto a regulator's outcomes."""
    cih = Framework.objects.create(name="Professional Standards", slug="ps", kind="standards",
                                   publisher="Institute")  # fmt: skip
    cc = Framework.objects.create(name="Competence and Conduct", slug="cc", kind="standards",
                                  publisher="Regulator")  # fmt: skip

    def element(framework, code, title, level, parent=None, position=1):
        return Element.objects.create(
            framework=framework, code=code, title=title, level_label=level, parent=parent,
            position=position,
        )  # fmt: skip

    integrity = element(cih, "INT", "Integrity", "Characteristic")
    int4 = element(cih, "INT.4", "Act with honesty", "Standard statement", integrity)
    inclusive = element(cih, "INC", "Inclusive", "Characteristic", position=2)
    staff = element(cc, "CC1", "Staff competence", "Outcome")
    conduct = element(cc, "CC4", "A code of conduct", "Outcome", position=2)
    mapping = Mapping.objects.create(
        name="Professional Standards onto Competence and Conduct", slug="cross",
        organisation="Org", source_framework=cih, target_framework=conduct.framework,
    )  # fmt: skip
    for source, target, relation in ((int4, conduct, "fully_covers"),
                                     (inclusive, staff, "supports")):  # fmt: skip
        link = Link.objects.create_draft(
            mapping, source=source, target=target, by=people["editor"], relation=relation,
            rationale=f"{source.code} asks for what {target.code} asks for.",
        )  # fmt: skip
        link.approve(by=people["publisher"])
    Edition.objects.publish(mapping, by=people["publisher"], title="First crosswalk")
    return {"mapping": mapping, "int4": int4, "cc4": conduct}


def test_a_register_may_map_standards_onto_standards(crosswalk):
    register = LiveRegister(crosswalk["mapping"])
    assert register.source_framework.kind == register.target_framework.kind == "standards"
    assert [link.reference for link in register.all_links()] == ["INT.4 → CC4", "INC → CC1"]
    words = register.words
    assert (words.source, words.sources, words.target, words.targets) == (
        "characteristic", "characteristics", "outcome", "outcomes",
    )  # fmt: skip


@pytest.mark.parametrize("prefix", ["/m/cross", "/m/cross/editions/1"])
@pytest.mark.parametrize("name", [v.name for v in VIEWS if v.register_page and not v.moved_to])
def test_every_page_of_a_crosswalk_reads(crosswalk, client, name, prefix):
    link = Link.objects.get(mapping=crosswalk["mapping"], source=crosswalk["int4"])
    url = {
        "link_detail": f"/links/{link.pk}/",
        "element_detail": "/elements/ps/INT.4/",
        "evidence_pack": "/elements/ps/INT.4/evidence.docx",
        "framework_export": "/elements/cc.csv",
    }.get(name, BY_NAME[name].url)
    response = client.get(prefix + url)
    assert response.status_code == 200, prefix + url
    if response["Content-Type"].startswith("text/html"):
        text = re.sub(r"<[^>]+>", " ", response.content.decode())
        assert "behaviour" not in text.lower(), prefix + url


def test_the_crosswalk_pages_say_its_own_words(crosswalk, client):
    html = client.get("/m/cross/links/").content.decode()
    assert '<th scope="col">Characteristic</th>' in html
    assert '<th scope="col">Outcome</th>' in html
    assert "All characteristics" in html and "All outcomes" in html
    guide = client.get("/m/cross/").content.decode()
    assert "The characteristics and the outcomes they cover" in guide
    page = client.get("/m/cross/elements/cc/CC4/").content.decode()
    assert "Characteristics that cover this outcome" in page
    assert crosswalk["int4"].code in page
    # An evidence pack reads the crosswalk's way: what covers an outcome, what a
    # characteristic's statement covers; never "evidences", a behaviour's word.
    outcome = client.get("/m/cross/elements/cc/CC4/evidence.md").content.decode()
    statement = client.get("/m/cross/elements/ps/INT.4/evidence.md").content.decode()
    assert re.search(r"^## What in .+ covers this outcome$", outcome, re.M)
    assert re.search(r"^## What in .+ this standard statement covers$", statement, re.M)
    assert "evidences" not in outcome + statement


def test_its_links_are_filtered_and_found_by_either_end(crosswalk, client):
    html = client.get("/m/cross/links/", {"target": "CC4"}).content.decode()
    results = html.split('id="results"')[1]
    assert "INT.4 → CC4" in results and "INC → CC1" not in results
    assert client.get("/m/cross/links/", {"source": "CC4"}).status_code == 400


def test_an_element_page_belongs_to_the_framework_its_address_names(crosswalk, client):
    assert client.get("/m/cross/elements/cc/INT.4/").status_code == 404
    assert client.get("/m/cross/elements/our-ways/B1/").status_code == 404
    url = reverse("element_detail", kwargs={"slug": "cross", "framework": "ps", "code": "INT"})
    assert client.get(url).status_code == 200


def test_a_crosswalk_is_offered_when_making_a_register(crosswalk, as_role):
    response = as_role("editor").post(reverse("mapping_create"), {
        "name": "The other way", "slug": "back", "organisation": "Org",
        "source_framework": crosswalk["cc4"].framework_id,
        "target_framework": crosswalk["int4"].framework_id,
    })  # fmt: skip
    assert response.status_code == 302
    made = Mapping.objects.get(slug="back")
    assert made.source_framework.slug == "cc" and made.target_framework.slug == "ps"
    same = as_role("editor").post(reverse("mapping_create"), {
        "name": "Itself", "slug": "itself", "organisation": "Org",
        "source_framework": crosswalk["cc4"].framework_id,
        "target_framework": crosswalk["cc4"].framework_id,
    })  # fmt: skip
    assert same.status_code == 400
    assert "two different frameworks" in same.content.decode()
    assert not Mapping.objects.filter(slug="itself").exists()


def test_the_api_reads_a_crosswalk_by_its_new_names(crosswalk, client):
    data = client.get("/api/mappings/cross").json()
    assert data["source_framework"]["slug"] == "ps" and data["target_framework"]["slug"] == "cc"
    links = client.get("/api/mappings/cross/links", {"target": "CC4"}).json()["items"]
    assert [(link["source"], link["target"]) for link in links] == [("INT.4", "CC4")]
    elements = client.get(f"/api/mappings/cross/elements/{Side.TARGET}").json()
    assert [e["code"] for e in elements] == ["CC1", "CC4"]


def test_an_edition_of_a_crosswalk_remembers_which_end_each_framework_was(crosswalk):
    edition = crosswalk["mapping"].editions.get()
    assert dict(edition.frameworks.values_list("side", "slug")) == {"source": "ps", "target": "cc"}
    assert edition.links.filter(source__code="INT.4", target__code="CC4").exists()
    assert not Link.objects.exclude(status=LinkStatus.APPROVED).filter(mapping=crosswalk["mapping"])
