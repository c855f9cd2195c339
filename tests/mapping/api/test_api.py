"""The API reads the register as its pages do: the same links for the same filters, live
and in an edition; conditional GET with ETags; CORS for reading from anywhere; errors in
JSON that name what is wrong; the CASE endpoints answer with what the CASE export writes."""

import json

import pytest
from django.test import Client

from mapping.models import Link
from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()

API = "/api/mappings/example-homes-cih"
FILTERS = [
    {},
    {"source": "B1"},
    {"target": "INT", "sort": "-relation"},
    {"relation": "partly_covers", "sort": "target"},
    {"q": "residents", "sort": "-updated"},
    {"source": "B2", "target": "ETH", "relation": "supports"},
]


@pytest.mark.parametrize("prefix", ["", "/editions/2"])
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: "&".join(map("=".join, f.items())))
def test_the_apis_links_are_the_link_tables_rows(published, client, settings, prefix, filters):
    edition = {"edition": 2} if prefix else {}
    page = 1
    while True:
        table = client.get(f"{prefix}/links/", {**filters, "page": page})
        assert table.status_code == 200
        rows = list(table.context["page"].object_list)
        asked = {**filters, **edition, "page": page, "page_size": settings.WEAVE_LINKS_PER_PAGE}
        answer = client.get(f"{API}/links", asked).json()
        assert [(item["id"], item["reference"]) for item in answer["items"]] == [
            (row.link_id, row.reference) for row in rows
        ]
        assert answer["count"] == table.context["page"].count
        if page >= answer["pages"]:
            break
        page += 1


def test_a_link_reads_as_on_its_page(published, client):
    link = published["mapping"].links.order_by("pk").first()
    answer = client.get(f"{API}/links/{link.pk}").json()
    assert answer | {"updated_at": None} == answer | {
        "id": link.pk, "source": link.source.code, "target": link.target.code,
        "source_title": link.source.title, "target_title": link.target.title,
        "relation": link.relation, "rationale": link.rationale, "status": link.status,
        "reference": link.reference, "url": f"http://testserver/m/{link.mapping.slug}/links/{link.pk}/",
        "updated_at": None,
    }  # fmt: skip
    draft = published["draft"]
    assert client.get(f"{API}/links/{draft.pk}").json()["status"] == "draft"
    assert client.get(f"{API}/links/{draft.pk}?edition=2").status_code == 404


def test_an_element_comes_with_its_tree_and_links(published, client):
    answer = client.get(f"{API}/elements/target/INT").json()
    assert answer["depth"] == 0 and answer["parent"] is None
    assert answer["children"][:2] == ["INT.1", "INT.2"]
    statement = client.get(f"{API}/elements/target/INT.1").json()
    assert (statement["parent"], statement["parent_title"], statement["depth"]) == (
        "INT", "Integrity", 1)  # fmt: skip
    assert {link["target"] for link in answer["links"]} >= {"INT", "INT.1"}
    every = client.get(f"{API}/elements/source").json()
    assert [e["code"] for e in every][:2] == ["B1", "B1.1"]


def test_a_retired_element_is_answered_with_no_links(published, client, people):
    """Its links were retired with it: none to list, and no error."""
    from mapping.models.retiring import retire_element
    from standards.models import Element

    element = Element.objects.get(framework__slug="cih-professional-standards-2021", code="SKI.3")
    retire_element(element, by=people["publisher"], reason="Merged into SKI.2.")
    answer = client.get(f"{API}/elements/target/SKI.3")
    assert answer.status_code == 200
    assert (answer.json()["code"], answer.json()["links"]) == ("SKI.3", [])
    assert client.get(f"{API}/elements/target/SKI.3?edition=1").json()["links"]


def test_codes_are_read_in_any_case_as_on_the_pages(published, client):
    """?source=b1 is B1, on the link table and in the API alike; so is an element's code
    in its address."""
    upper = client.get(f"{API}/links", {"source": "B1", "target": "INT"}).json()
    lower = client.get(f"{API}/links", {"source": "b1", "target": "int"}).json()
    assert lower == upper and upper["count"] > 0
    element = client.get(f"{API}/elements/target/int.1").json()
    assert element == client.get(f"{API}/elements/target/INT.1").json()
    assert element["code"] == "INT.1" and element["links"]


def test_the_old_names_are_still_answered_with_the_same_values(published, client):
    """For one release, the names of the time when every register was behaviours →
    standards are answered beside the new ones, with the same values."""
    items = client.get(f"{API}/links", {"page_size": 500}).json()["items"]
    assert items
    for item in items:
        assert (item["behaviour"], item["standard"], item["behaviour_title"],
                item["standard_title"]) == (item["source"], item["target"], item["source_title"],
                                            item["target_title"])  # fmt: skip
    old = client.get(f"{API}/links", {"behaviour": "B1", "standard": "INT", "sort": "-standard"})
    new = client.get(f"{API}/links", {"source": "B1", "target": "INT", "sort": "-target"})
    assert old.status_code == 200 and old.json() == new.json() and new.json()["count"] > 0
    for old_side, side in (("behaviours", "source"), ("standards", "target")):
        assert client.get(f"{API}/elements/{old_side}").json() == \
            client.get(f"{API}/elements/{side}").json()  # fmt: skip
    assert client.get(f"{API}/elements/standards/INT").json() == \
        client.get(f"{API}/elements/target/INT").json()  # fmt: skip
    register = client.get(API).json()
    assert register["behaviours_framework"] == register["source_framework"]
    assert register["standards_framework"] == register["target_framework"]
    coverage = client.get(f"{API}/coverage").json()
    for old_name, new_name in [
        ("behaviours", "sources"), ("standards", "targets"),
        ("uncovered_standards", "uncovered_targets"), ("unlinked_behaviours", "unlinked_sources"),
        ("standards_covered_only_through_children", "targets_covered_only_through_children"),
    ]:  # fmt: skip
        assert coverage[old_name] == coverage[new_name], old_name


def test_coverage_and_editions(published, client):
    coverage = client.get(f"{API}/coverage").json()
    assert coverage["link_count"] == published["mapping"].links.count()
    # As the page offers: approved links alone (the published fixture's draft left out).
    approved = client.get(f"{API}/coverage", {"count": "approved"}).json()
    assert approved["link_count"] == published["mapping"].links.approved().count()
    assert approved["link_count"] == coverage["link_count"] - 1
    assert client.get(f"{API}/coverage", {"count": "drafts"}).status_code == 400
    assert {level["label"] for level in coverage["targets"]} >= {"Characteristic"}
    editions = client.get(f"{API}/editions").json()
    assert [e["number"] for e in editions] == [2, 1]
    compared = client.get(f"{API}/editions/compare", {"old": 1, "new": 2}).json()
    assert compared["old"] == 1 and compared["new"] == 2
    assert isinstance(compared["changed_links"], list)


def test_an_edition_answers_the_same_whatever_happens_live(published, client):
    before = client.get(f"{API}/links", {"edition": 2, "page_size": 500}).content
    Link.objects.filter(mapping=published["mapping"]).update(rationale="Rewritten.")
    assert client.get(f"{API}/links", {"edition": 2, "page_size": 500}).content == before
    live = client.get(f"{API}/links", {"page_size": 500}).json()
    assert {item["rationale"] for item in live["items"]} == {"Rewritten."}


def test_conditional_get(published, client, people):
    live = client.get(f"{API}/links")
    etag, modified = live["ETag"], live["Last-Modified"]
    assert live["Cache-Control"] == "public, no-cache"
    again = client.get(f"{API}/links", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    since = client.get(f"{API}/links", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    # A 304 varies as its 200 does, compressed or not (RFC 9110 15.4.5).
    gzipped = client.get(f"{API}/links", headers={"Accept-Encoding": "gzip"})
    assert gzipped["Content-Encoding"] == "gzip"
    unchanged = client.get(f"{API}/links", headers={"Accept-Encoding": "gzip",
                                                    "If-None-Match": gzipped["ETag"]})  # fmt: skip
    assert unchanged.status_code == 304
    assert set(unchanged["Vary"].split(", ")) == set(gzipped["Vary"].split(", "))
    link = published["mapping"].links.first()
    link.edit(by=people["publisher"], revision=link.revision, rationale="A new reason.")
    changed = client.get(f"{API}/links", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    frozen = client.get(f"{API}/links?edition=1")
    assert frozen["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get(f"{API}/links?edition=1",
                      headers={"If-None-Match": frozen["ETag"]}).status_code == 304  # fmt: skip


def test_last_modified_moves_with_everything_an_answer_says(published, client, people):
    """If-Modified-Since is answered 304 only while nothing the answer says has changed:
    not after a new edition (it names the latest), a new default register, a gap's
    decision, or a change to a crosswalk the register's inferred links pass through."""
    import time

    from mapping.models import Edition, Mapping

    def modified_since(url: str) -> str:
        stamp = client.get(url)["Last-Modified"]
        time.sleep(1.05)  # what follows happens a second later (HTTP dates count seconds)
        return stamp

    mapping = published["mapping"]
    stamp = modified_since(API)
    Edition.objects.publish(mapping, by=people["publisher"], title="Third")
    assert client.get(API, headers={"If-Modified-Since": stamp}).status_code == 200
    stamp = modified_since(API)
    Mapping.objects.get(slug="cih-cc").make_default(by=people["publisher"])
    assert client.get(API, headers={"If-Modified-Since": stamp}).json()["is_default"] is False
    cc = "/api/mappings/example-homes-cc/coverage"
    stamp = modified_since(cc)
    crosswalk_link = Link.objects.filter(mapping__slug="cih-cc").first()
    crosswalk_link.edit(by=people["publisher"], revision=crosswalk_link.revision,
                        rationale="Looked at again.")  # fmt: skip
    assert client.get(cc, headers={"If-Modified-Since": stamp}).status_code == 200
    stamp = modified_since(cc)
    register = Mapping.objects.get(slug="example-homes-cc")
    element = register.target_framework.elements.exclude(
        pk__in=register.links.current().values("target")
    ).first()  # a gap: no links of its own
    register.leave_unlinked(element, reason="Not ours.", by=people["publisher"])
    assert client.get(cc, headers={"If-Modified-Since": stamp}).status_code == 200


def test_a_register_that_only_shares_a_framework_does_not_date_this_one(published, people):
    """Behaviours → C&C shares its source with Behaviours → CIH, but nothing CIH's register
    infers passes through it: its edits leave CIH's register's date (its citations'
    "issued", the API's last_changed) where it was. The crosswalk CIH → C&C dates C&C's."""
    from mapping.models import Mapping
    from mapping.register.live import LiveRegister

    def dated(slug: str):
        return LiveRegister(Mapping.objects.with_frameworks().get(slug=slug)).last_changed

    cih, cc = dated("example-homes-cih"), dated("example-homes-cc")
    link = Link.objects.filter(mapping__slug="example-homes-cc").first()
    link.edit(by=people["publisher"], revision=link.revision, rationale="Reworded.")
    assert dated("example-homes-cih") == cih and dated("example-homes-cc") > cc
    cc = dated("example-homes-cc")
    crosswalk_link = Link.objects.filter(mapping__slug="cih-cc").first()
    crosswalk_link.edit(by=people["publisher"], revision=crosswalk_link.revision,
                        rationale="Looked at again.")  # fmt: skip
    assert dated("example-homes-cc") > cc


def test_an_editions_register_answer_is_not_kept_as_if_it_never_changed(published, client):
    """It says whether the register is the default and which edition is its latest, which
    change: revalidated by its ETag, not kept for a year. Its links are kept."""
    answer = client.get(API, {"edition": 1})
    assert answer["Cache-Control"] == "public, no-cache" and "Last-Modified" not in answer
    assert answer.json()["edition"] == 1 and answer.json()["latest_edition"] == 2


def test_frameworks_and_elements_give_the_case_identifiers_the_case_api_uses(published, client):
    documents = client.get("/api/ims/case/v1p0/CFDocuments").json()["CFDocuments"]
    cih = next(d for d in documents if d["title"].startswith("CIH"))
    framework = client.get(f"{API}").json()["target_framework"]
    assert framework["case_identifier"] == cih["identifier"]
    package = client.get(f"/api/ims/case/v1p0/CFPackages/{cih['identifier']}").json()
    item = next(i for i in package["CFItems"] if i["humanCodingScheme"] == "INT")
    element = client.get(f"{API}/elements/target/INT").json()
    assert element["case_identifier"] == item["identifier"]


@pytest.mark.parametrize("url", [
    "/api/mappings", API, f"{API}/links?source=B1", f"{API}/links?edition=1", "/api/frameworks",
    "/api/mappings/nope", f"{API}/links?page=-1", f"{API}/links?tagret=INT",
])  # fmt: skip
def test_head_is_answered_as_get_is_without_the_body(published, client, url):
    """Link checkers and monitors ask with HEAD: the same status and headers as GET."""
    got, head = client.get(url), client.head(url)
    assert head.status_code == got.status_code != 405
    assert head.content == b""
    headers = ("Content-Type", "ETag", "Cache-Control") if got.status_code == 200 else ()
    for header in ("Content-Type", *headers):
        assert head.get(header) == got.get(header), header


def test_cors_lets_any_origin_read_and_nothing_else(published, client):
    response = client.get(f"{API}/coverage", headers={"Origin": "https://college.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(f"{API}/links", headers={
        "Origin": "https://college.example", "Access-Control-Request-Method": "GET"})  # fmt: skip
    assert preflight.status_code == 200  # an ok status, as the Fetch standard asks
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    before = Link.objects.count()
    checked = Client(enforce_csrf_checks=True)  # as a browser or curl is: CSRF is checked
    for url in (f"{API}/links", "/api/openapi.json", "/api/docs/"):
        for method in ("post", "put", "patch", "delete"):
            refused = getattr(checked, method)(url)
            assert refused.status_code == 405, (url, method)
            assert refused.json()["detail"].startswith("The API only reads: GET"), method
            assert refused["Allow"] == "GET, HEAD, OPTIONS"
        asked = checked.options(url)  # not a preflight: what the address may be asked
        assert (asked.status_code, asked["Allow"], asked.content) == (
            204, "GET, HEAD, OPTIONS", b""), url  # fmt: skip
    # Where GET finds nothing, OPTIONS says so as GET does.
    nowhere = checked.options("/api/nonexistent")
    assert nowhere.status_code == 404
    assert nowhere.json()["detail"].startswith("There is nothing at this address in the API")
    missing = checked.options("/api/mappings/no-such-register")
    assert (missing.status_code, missing.json()["detail"]) == (
        404, "There is no register “no-such-register”.")  # fmt: skip
    assert checked.options(f"{API}/links/999999").status_code == 404
    assert Link.objects.count() == before


@pytest.mark.parametrize(("url", "status", "detail", "parameter"), [
    ("/api/mappings/nope", 404, "There is no register “nope”.", None),
    ("/api/nonexistent", 404, "There is nothing at this address in the API", None),
    (f"{API}/links?source=B1&source=B2", 400, "source: given 2 times; give it once.", "source"),
    (f"{API}?edition=9", 404, "edition: the register “example-homes-cih” has no edition 9.",
     "edition"),
    (f"{API}/elements/target/NOPE", 404, "There is no standard “NOPE” in this register.",
     None),
    (f"{API}/elements/sideways", 400, "side: Input should be 'source', 'target', 'behaviours' "
     "or 'standards'", "side"),
    (f"{API}/links/999999", 404, "There is no link 999999 in this register.", None),
    (f"{API}/links?source=ZZ", 404, "source: There is no behaviour “ZZ” in this register.",
     "source"),
    (f"{API}/links?page=abc", 400, "page: Input should be a valid integer", "page"),
    (f"{API}/links?page_size=0", 400, "page_size: Input should be greater than or equal to 1",
     "page_size"),
    (f"{API}/links?relation=loves", 400, "relation: Input should be", "relation"),
    (f"{API}/editions/compare?old=1", 400, "new: Give this parameter.", "new"),
    (f"{API}/editions/compare?old=1&new=7", 404, "new: the register “example-homes-cih” has "
     "no edition 7.", "new"),
    ("/api/ims/case/v1p0/CFItems/not-a-uuid", 400, "sourced_id: Input should be a valid UUID",
     "sourced_id"),
    ("/api/ims/case/v1p0/CFPackages/00000000-0000-0000-0000-000000000000", 404,
     "There is no CASE document", None),
    (f"{API}/links?tagret=INT", 400, "tagret: not a parameter here; this address takes "
     "behaviour, edition, page, page_size, q, relation, sort, source, standard, status, "
     "target.", "tagret"),
    ("/api/mappings?page=2", 400, "page: not a parameter here; this address takes no "
     "parameters.", "page"),
    (f"{API}/links?q=a%00b", 400, "q: has a NUL character in it", "q"),
    (f"{API}/links?source=B1%00", 400, "source: has a NUL character in it", "source"),
    ("/api/mappings/example%00", 404, "There is no register with a NUL character", None),
])  # fmt: skip
def test_errors_say_what_is_wrong(published, client, url, status, detail, parameter):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json; charset=utf-8"
    answer = response.json()
    assert detail in answer["detail"] and answer["parameter"] == parameter


def test_the_case_endpoints_answer_with_the_case_export(published, client):
    standards = published["mapping"].target_framework
    exported = json.loads(client.get(f"/elements/{standards.slug}.case.json").content)
    identifier = exported["CFDocument"]["identifier"]
    package = client.get(f"/api/ims/case/v1p0/CFPackages/{identifier}").json()
    assert package == exported
    documents = client.get("/api/ims/case/v1p0/CFDocuments").json()["CFDocuments"]
    assert exported["CFDocument"] in documents and len(documents) == 3  # three frameworks
    item = exported["CFItems"][3]
    assert client.get(f"/api/ims/case/v1p0/CFItems/{item['identifier']}").json() == item


def test_frameworks(published, client):
    listed = client.get("/api/frameworks").json()
    assert {f["slug"] for f in listed} == {"cih-professional-standards-2021",
                                           "example-homes-behaviours",
                                           "competence-and-conduct-2025"}  # fmt: skip
    cih = client.get("/api/frameworks/cih-professional-standards-2021").json()
    assert cih["publisher"] == "Chartered Institute of Housing"
    assert cih["elements"][0]["url"] == (
        "http://testserver/elements/cih-professional-standards-2021/INT/")  # fmt: skip
    assert len(cih["elements"]) == cih["element_count"]


def test_the_reference_page_is_read_from_the_description(demo, client):
    description = client.get("/api/openapi.json").json()
    assert description["info"]["title"] == "Weave"
    page = client.get("/api/docs/").content.decode()
    for path in description["paths"]:
        assert f"<code>{path}</code>" in page, path
    first = demo.links.current().order_by("pk").first()  # (not id 1 on every database)
    assert f'href="/api/mappings/example-homes-cih/links/{first.pk}"' in page  # try it
    assert "<code>page_size</code>" in page and "integer (≥ 1, ≤ 500)" in page
    assert 'id="schema-LinkOut"' in page
    assert "<script" not in page.split("</header>")[1].split("<footer")[0]


def test_the_reference_pages_examples_are_this_sites(published, client):
    page = client.get("/api/docs/").content.decode()
    examples = page.split('aria-label="Examples of calls"')[1].split("</pre>")[0]
    mapping = published["mapping"]
    assert f"mappings/{mapping.slug}/links?target=" in examples
    assert f"mappings/{mapping.slug}/elements/target/" in examples and "?edition=" in examples


def test_every_try_it_on_the_reference_page_answers(demo, client):
    """The comparison's example asks for editions 1 and 2: with one edition it is shown,
    not offered as a link that answers 404."""
    import re
    from html import unescape

    page = client.get("/api/docs/").content.decode()
    tried = [unescape(url) for url in re.findall(r'<a href="([^"]+)">Try it:', page)]
    assert len(tried) > 5
    for url in tried:  # (suggestions are for editors: a 401 says so)
        assert client.get(url).status_code in (200, 401), url
    assert "once the demonstration register has 2 editions" in page
    # Reading one link: one of this site's (ids are not 1 on every database).
    first = demo.links.current().order_by("pk").first()
    assert f"/api/mappings/example-homes-cih/links/{first.pk}" in tried


def test_an_old_parameter_name_beside_its_new_one_is_ignored_as_the_description_says(
    published, client
):
    both = client.get(f"{API}/links", {"behaviour": "B1", "source": "B2"}).json()
    assert both == client.get(f"{API}/links", {"source": "B2"}).json()
    description = client.get("/api/openapi.json").json()
    parameters = description["paths"]["/api/mappings/{slug}/links"]["get"]["parameters"]
    said = {p["name"]: p.get("description", "") for p in parameters}
    assert "ignored when source is given" in said["behaviour"]
    assert client.get(f"{API}/editions/compare", {"old": 1, "new": 1}).json()["added_links"] == []
