"""GET /api/mappings/{slug}/suggestions: a register's suggestions for its editors, the same
list in the same order as the suggestions page, with each inferred one's paths and composed
relation and each lexical one's shared words; nobody else sees them."""

import re

import pytest

from mapping.models import ApiToken, Mapping, Membership
from mapping.register import LiveRegister
from mapping.suggesting.listing import inferred_in_order, lexical

API = "/api/mappings/example-homes-cc/suggestions"


@pytest.fixture
def register(demo):
    return LiveRegister(Mapping.objects.with_frameworks().get(slug="example-homes-cc"))


def _everything(client, **headers) -> list[dict]:
    found, page = [], 1
    while True:
        body = client.get(API, {"page": page, "page_size": 20}, headers=headers).json()
        found += body["items"]
        if page >= body["pages"]:
            return found
        page += 1


def test_the_api_lists_what_the_page_lists_in_the_same_order(register, as_role):
    client = as_role("editor")
    items = _everything(client)
    html = client.get("/m/example-homes-cc/suggestions/").content.decode()
    on_page = re.findall(r'name="chosen" value="(\w+):([^:"]+):([^"]+)"', html)
    listed = [(i["kind"], i["source"], i["target"]) for i in items]
    # The page shows every inferred one and the best lexical ones: the API's first ones.
    assert listed[: len(on_page)] == on_page
    assert len(items) == len(register.inferred) + len(lexical(register))
    first = inferred_in_order(register)[0]
    item = items[0]
    assert (item["kind"], item["reference"], item["relation"]) == (
        "inferred", first.reference, first.relation)  # fmt: skip
    path = item["paths"][0]
    assert path["via"] == first.via_code and path["relation"] == first.relation
    assert path["first"]["mapping"] == "example-homes-cih"
    assert path["second"]["mapping"] == "cih-cc"
    assert path["second"]["rationale"]
    words = next(i for i in items if i["kind"] == "lexical")
    assert words["shared_words"] and words["relation"] is None and words["paths"] == []
    assert words["accept_url"].endswith(
        f"/m/example-homes-cc/suggestions/accept/?kind=lexical&pair={words['source']}:"
        f"{words['target']}"
    )


@pytest.mark.parametrize("kind", ["inferred", "lexical"])
def test_one_kind_at_a_time(register, as_role, kind):
    body = as_role("editor").get(API, {"kind": kind, "page_size": 500}).json()
    assert {item["kind"] for item in body["items"]} == {kind}
    expected = register.inferred if kind == "inferred" else lexical(register)
    assert body["count"] == len(expected)


def test_only_the_registers_editors_see_them(register, as_role, client, people):
    assert client.get(API).status_code == 401
    assert "Only a register's editors see its suggestions" in client.get(API).json()["detail"]
    refused = as_role("viewer").get(API)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only editors of “example-homes-cc” see its suggestions."
    _token, viewer_key = ApiToken.issue(people["viewer"], "Viewer")
    assert client.get(API, headers={"Authorization": f"Bearer {viewer_key}"}).status_code == 403
    _token, editor_key = ApiToken.issue(people["editor"], "Editor")
    allowed = client.get(API, headers={"Authorization": f"Bearer {editor_key}"})
    assert allowed.status_code == 200
    assert allowed["Cache-Control"] == "private, no-cache"  # never kept for others
    assert "Authorization" in allowed["Vary"]
    # An editor of this register alone sees its suggestions, and no other register's.
    Membership.objects.filter(user=people["editor"]).delete()
    Membership.objects.create(user=people["editor"], mapping=register.mapping, role="editor")
    assert as_role("editor").get(API).status_code == 200
    assert as_role("editor").get("/api/mappings/cih-cc/suggestions").status_code == 403


@pytest.mark.parametrize(("query", "parameter"), [
    ({"kind": "guessed"}, "kind"),
    ({"page": 0}, "page"),
    ({"page_size": 501}, "page_size"),
    ({"sort": "best"}, "sort"),
])  # fmt: skip
def test_bad_parameters_are_named(register, as_role, query, parameter):
    response = as_role("editor").get(API, query)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_an_unknown_register_is_a_404(demo, as_role):
    response = as_role("editor").get("/api/mappings/nope/suggestions")
    assert response.status_code == 404
    assert response.json()["detail"] == "There is no register “nope”."


def test_coverage_names_what_is_covered_only_by_inference(register, client):
    """A register with inferred links answers its coverage (it was a 500: the gap's status
    had no word for it), each gap's status as the coverage page gives it."""
    response = client.get("/api/mappings/example-homes-cc/coverage")
    assert response.status_code == 200, response.content
    gaps = {gap["code"]: gap["status"] for gap in response.json()["uncovered_targets"]}
    expected = {e.element.code: e.status for e in register.coverage.uncovered_targets}
    assert gaps == expected
    assert "covered only by inference" in gaps.values()
    edition = client.get("/api/mappings/example-homes-cc/coverage", {"edition": 1})
    assert edition.status_code == 200, edition.content


def test_coverages_figures_are_the_pages_and_add_up(register, client):
    """Each level as the coverage page gives it: covered only through what sits under it
    (not also directly), and what only inference reaches, so that the parts make the whole."""
    answer = client.get("/api/mappings/example-homes-cc/coverage").json()
    levels = answer["targets"] + answer["sources"]
    pages = [*register.coverage.target_levels, *register.coverage.source_levels]
    for got, level in zip(levels, pages, strict=True):
        assert got["covered_only_through_children"] == level.only_through
        assert got["covered_directly"] + got["covered_only_through_children"] == got["covered"]
        assert got["reached_only_by_inference"] == level.inferred
        parts = ("covered", "reviewed_and_left_unlinked", "reached_only_by_inference",
                 "not_yet_reviewed")  # fmt: skip
        assert sum(got[part] for part in parts) == got["total"]
    assert any(got["reached_only_by_inference"] for got in levels)
