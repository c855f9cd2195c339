"""Every view, from one table: its page, its htmx fragment where it has one, a 404 for an
unknown object, a 405 for a wrong method, and what each role gets, each its own case: the
site-wide roles, and an editor of the default register alone.

The register's pages are checked for every kind of register: the default mapping live and
at an edition, and another mapping by its slug, live and at an edition. A URL name missing
from the table fails test_every_named_url_is_in_the_table, so no view is forgotten. The
addresses pages had when every register was behaviours → standards redirect for good.
"""

import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from mapping.models import Link, Mapping, Membership
from standards.models import Element, Framework
from tests.rows import site_per_module

# The site's rows are made once for the module's many cases (each reads them in a
# savepoint of its own): a write a case makes is gone before the next.
small, people, site = site_per_module()

ROLES = ["anonymous", "viewer", "editor", "publisher", "admin"]
# An editor of the default register alone, not of the other register beside it (which
# shares its frameworks), nor of the site.
REGISTER_EDITOR = "register editor"
NO_BATCH = "00000000-0000-0000-0000-000000000000"
RANK = {role: rank for rank, role in enumerate(ROLES)}
# Django's own account pages are Django's to test.
NOT_OURS = {"login", "logout", "password_change", "password_change_done", "password_reset",
            "password_reset_done", "password_reset_confirm", "password_reset_complete"}  # fmt: skip
# Signing in through an identity provider needs one: tests/mapping/access/test_oidc.py runs
# a real one on loopback and goes through both, with every way they can fail.
ELSEWHERE = {"oidc_authentication_init", "oidc_authentication_callback"}


@dataclass(frozen=True)
class View:
    name: str
    url: str  # with {link}, {element}, {change} for the objects the fixture makes
    missing: str  # an address naming something that does not exist
    methods: tuple[str, ...] = ("GET",)
    role: str = "anonymous"  # the lowest role that may use it
    fragment: str = ""  # how the htmx fragment starts, if it has one
    target: str = ""  # the HX-Target that picks the fragment
    register_page: bool = False  # the same page exists for every register
    moved_to: str = ""  # an old address: where it now leads, for good
    # whether the default register's own editor may use it (when it needs a role): it
    # writes to that register alone, not to frameworks it shares or to the site
    for_register_editor: bool = False


VIEWS = [
    View("home", "/", "/m/nope/", register_page=True),
    View("guide_pdf", "/guide.pdf", "/m/nope/guide.pdf", register_page=True),
    View("pdf_status", "/guide.pdf/status/", "/m/nope/guide.pdf/status/",
         fragment='<li id="pdf-link"', register_page=True),
    View("link_table", "/links/", "/m/nope/links/", fragment='<section id="results"',
         register_page=True),
    View("link_detail", "/links/{link}/", "/links/999999/", fragment='<tr id="link-',
         register_page=True),
    View("matrix", "/matrix/", "/editions/9/matrix/", fragment='<div id="matrix-grid"',
         target="matrix-grid", register_page=True),
    View("map", "/map/", "/m/nope/map/", register_page=True),
    View("map_json", "/map.json", "/editions/9/map.json", register_page=True),
    View("coverage", "/coverage/", "/m/nope/coverage/", register_page=True),
    View("coverage_csv", "/coverage.csv", "/editions/9/coverage.csv", register_page=True),
    View("element_detail", "/elements/our-ways/B1/", "/elements/our-ways/B9/",
         register_page=True),
    View("evidence_pack", "/elements/the-standards/S1/evidence.docx",
         "/elements/the-standards/S9/evidence.docx", register_page=True),
    # A reader's own reference list: no account needed, nothing in the database.
    View("references", "/references/", "/references/nope/"),
    View("references_download", "/references/download/?format=ris", "/references/nope.ris"),
    View("reference_add", "/references/add/", "/references/add/nope/", ("POST",)),
    View("reference_remove", "/references/remove/", "/references/remove/nope/", ("POST",)),
    View("references_clear", "/references/clear/", "/references/clear/nope/", ("POST",)),
    View("references_pin", "/references/pin/", "/references/pin/nope/", ("POST",)),
    View("behaviour_detail", "/behaviours/B1/", "/m/nope/behaviours/B1/", register_page=True,
         moved_to="/elements/our-ways/B1/"),
    View("standard_detail", "/standards/S1.1/", "/m/nope/standards/S1.1/", register_page=True,
         moved_to="/elements/the-standards/S1.1/"),
    View("mapping_list", "/m/", "/m/nope/"),
    View("edition_list", "/editions/", "/m/nope/editions/"),
    View("edition_compare", "/editions/compare/", "/m/nope/editions/compare/"),
    View("edition_publish", "/editions/publish/", "/m/nope/editions/publish/",
         ("GET", "POST"), "publisher"),
    View("changes", "/changes/", "/changes/?who=ghost", fragment='<section id="results"'),
    View("change_revert", "/changes/{change}/revert/", "/changes/999999/revert/", ("POST",),
         "publisher"),
    View("link_create", "/links/new/", "/m/nope/links/new/", ("GET", "POST"), "editor",
         fragment='<div id="add-link"', for_register_editor=True),
    View("link_edit", "/links/{link}/edit/", "/links/999999/edit/", ("GET", "POST"), "editor",
         fragment='<tr id="link-', for_register_editor=True),
    View("link_retire", "/links/{link}/retire/", "/links/999999/retire/", ("GET", "POST"),
         "editor", fragment='<tr id="link-', for_register_editor=True),
    View("link_propose", "/links/{link}/propose/", "/links/999999/propose/", ("POST",),
         "editor", for_register_editor=True),
    View("link_restore", "/links/{link}/restore/", "/links/999999/restore/", ("POST",),
         "editor", for_register_editor=True),
    View("link_approve", "/links/{link}/approve/", "/links/999999/approve/", ("POST",),
         "publisher"),
    View("link_still_holds", "/links/{link}/still-holds/", "/links/999999/still-holds/",
         ("POST",), "editor", for_register_editor=True),
    View("element_edit", "/elements/{element}/edit/", "/elements/999999/edit/",
         ("GET", "POST"), "editor"),
    View("element_retire", "/elements/{element}/retire/", "/elements/999999/retire/",
         ("GET", "POST"), "editor"),
    View("element_restore", "/elements/{element}/restore/", "/elements/999999/restore/",
         ("POST",), "editor"),
    View("element_create", "/frameworks/our-ways/elements/new/",
         "/frameworks/nope/elements/new/", ("GET", "POST"), "editor"),
    View("framework_list", "/frameworks/", "/frameworks/nope/"),
    View("framework_detail", "/frameworks/our-ways/", "/frameworks/nope/"),
    View("framework_create", "/frameworks/new/", "/frameworks/nope/edit/", ("GET", "POST"),
         "editor"),
    View("framework_edit", "/frameworks/our-ways/edit/", "/frameworks/nope/edit/",
         ("GET", "POST"), "editor"),
    View("framework_retire", "/frameworks/our-ways/retire/", "/frameworks/nope/retire/",
         ("GET", "POST"), "editor"),
    View("framework_restore", "/frameworks/our-ways/restore/", "/frameworks/nope/restore/",
         ("POST",), "editor"),
    # Exports, for every register, live and frozen.
    View("links_export", "/links.csv", "/m/nope/links.xlsx", register_page=True),
    View("framework_export", "/elements/the-standards.case.json",
         "/m/nope/elements/our-ways.csv", register_page=True),
    View("framework_export_moved", "/standards.case.json", "/m/nope/behaviours.csv",
         register_page=True, moved_to="/elements/the-standards.case.json"),
    View("register_export", "/register.json", "/editions/9/register.json", register_page=True),
    View("sssom_export", "/sssom.tsv", "/m/nope/sssom.tsv", register_page=True),
    View("kumu_export", "/kumu.json", "/editions/9/kumu.json", register_page=True),
    # Imports and new registers.
    View("import_template", "/imports/template/links.xlsx", "/imports/template/edition.csv"),
    View("framework_import", "/frameworks/import/", "/frameworks/nope/import/",
         ("GET", "POST"), "editor"),
    View("link_import", "/links/import/", "/m/nope/links/import/", ("GET", "POST"), "editor",
         for_register_editor=True),
    View("import_batch", "/imports/{batch}/", f"/imports/{NO_BATCH}/", role="editor",
         fragment='<div id="import-status"'),
    View("import_apply", "/imports/{batch}/apply/", f"/imports/{NO_BATCH}/apply/", ("POST",),
         "editor"),
    # Suggestions to review (the site has one: B2 → S2, inferred through A1).
    View("suggestions", "/suggestions/", "/m/nope/suggestions/", role="editor",
         for_register_editor=True),
    View("suggestion_accept", "/suggestions/accept/?kind=inferred&pair=B2:S2",
         "/m/nope/suggestions/accept/", ("GET", "POST"), "editor", for_register_editor=True),
    View("suggestion_dismiss", "/suggestions/dismiss/", "/m/nope/suggestions/dismiss/",
         ("POST",), "editor", for_register_editor=True),
    View("suggestions_bulk", "/suggestions/bulk/", "/m/nope/suggestions/bulk/", ("POST",),
         "editor", for_register_editor=True),
    View("suggestion_offer_again", "/suggestions/offer-again/",
         "/m/nope/suggestions/offer-again/", ("POST",), "editor", for_register_editor=True),
    View("register_move", "/move/?to=the-standards-2", "/m/nope/move/", ("GET", "POST"),
         "publisher"),
    View("mapping_create", "/m/new/", "/m/new/nope/", ("GET", "POST"), "editor"),
    View("mapping_make_default", "/m/other/default/", "/m/nope/default/", ("POST",),
         "publisher"),
    View("mapping_edit", "/details/", "/m/nope/details/", ("GET", "POST"), "publisher"),
    View("gap_review", "/gaps/review/", "/m/nope/gaps/review/", ("POST",), "editor",
         for_register_editor=True),
    # The API's reference page, your account and its API tokens (the API itself is
    # tests/mapping/api/'s).
    View("api_docs", "/api/docs/", "/api/docs/nope/"),
    View("healthz", "/healthz", "/healthz/nope"),
    View("account", "/accounts/", "/accounts/nope/", ("GET", "POST"), "viewer"),
    View("token_revoke", "/accounts/tokens/{token}/revoke/", "/accounts/tokens/999999/revoke/",
         ("POST",), "viewer"),
    View("notices", "/accounts/notifications/", "/accounts/notifications/nope/",
         ("GET", "POST"), "viewer"),
    View("unsubscribe", "/notifications/unsubscribe/{unsubscribe}/",
         "/notifications/unsubscribe/nope/x/", ("GET", "POST")),
    View("review", "/review/", "/review/nope/", ("GET", "POST"), "editor",
         for_register_editor=True),
    # People, for administrators; accepting an invitation, for whoever holds its link.
    View("people", "/people/", "/people/nope/", role="admin"),
    View("person", "/people/{person}/", "/people/999999/", ("GET", "POST"), "admin"),
    View("people_invite", "/people/invite/", "/people/invite/nope/", ("GET", "POST"), "admin"),
    View("people_log", "/people/log/", "/people/log/nope/", role="admin"),
    View("person_unlock", "/people/{person}/unlock/", "/people/999999/unlock/", ("POST",),
         "admin"),
    View("person_forget", "/people/{person}/forget/", "/people/999999/forget/", ("GET", "POST"),
         "admin"),
    View("person_token_revoke", "/people/{token_holder}/tokens/{token}/revoke/",
         "/people/{token_holder}/tokens/999999/revoke/", ("POST",), "admin"),
    View("invitation_withdraw", "/people/invitations/{invitation}/withdraw/",
         "/people/invitations/999999/withdraw/", ("POST",), "admin"),
    View("invitation_again", "/people/invitations/{invitation}/again/",
         "/people/invitations/999999/again/", ("POST",), "admin"),
    View("invitation_accept", "/invitations/{invitation_key}/", "/invitations/nope/",
         ("GET", "POST")),
]  # fmt: skip
BY_NAME = {view.name: view for view in VIEWS}
# The prefixes every register page lives under: the default mapping live and at edition 1,
# and another mapping by its slug, live and at edition 1.
REGISTERS = ["", "/editions/1", "/m/other", "/m/other/editions/1"]


def _url(view: View, site: dict) -> str:
    return view.url.format(**site)


def test_every_named_url_is_in_the_table():
    names = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if not pattern.namespace:  # the admin has its own tests
                    walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(pattern.name)

    walk(get_resolver().url_patterns)
    assert names - NOT_OURS - ELSEWHERE == set(BY_NAME)


@pytest.mark.parametrize("prefix", REGISTERS)
@pytest.mark.parametrize("name", [v.name for v in VIEWS if v.register_page])
def test_every_register_page_exists_for_every_register(site, client, name, prefix):
    view = BY_NAME[name]
    url = _url(view, site)
    if name == "link_detail" and "other" in prefix:
        url = f"/links/{Link.objects.get(mapping__slug='other').pk}/"
    response = client.get(prefix + url)
    if view.moved_to:
        assert response.status_code == 301, prefix + url
        assert response["Location"] == prefix + view.moved_to
        response = client.get(response["Location"])
    assert response.status_code == 200, prefix + url


@pytest.mark.parametrize("name", [v.name for v in VIEWS if v.fragment])
def test_the_htmx_fragment_is_the_region_alone(site, as_role, name):
    view = BY_NAME[name]
    headers = {"HX-Request": "true"} | ({"HX-Target": view.target} if view.target else {})
    response = as_role("admin").get(_url(view, site), headers=headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(view.fragment), html[:200]
    assert "<html" not in html
    assert "HX-Request" in response.get("Vary", "HX-Request")


@pytest.mark.parametrize("name", [v.name for v in VIEWS])
def test_an_unknown_object_is_not_found(site, as_role, name):
    view = BY_NAME[name]
    method = "get" if "GET" in view.methods else "post"
    response = getattr(as_role("admin"), method)(view.missing)
    if name == "changes":  # /changes/ names no object: an unknown person is a bad filter
        assert response.status_code == 400
    else:
        assert response.status_code == 404, view.missing


@pytest.mark.parametrize("name", [v.name for v in VIEWS])
def test_a_wrong_method_is_refused(site, as_role, name):
    view = BY_NAME[name]
    wrong = "put" if "POST" in view.methods and "GET" in view.methods else (
        "post" if "GET" in view.methods else "get"
    )  # fmt: skip
    before = (Link.objects.count(), Element.objects.count(), Framework.objects.count())
    assert getattr(as_role("admin"), wrong)(_url(view, site)).status_code == 405
    assert (Link.objects.count(), Element.objects.count(), Framework.objects.count()) == before


@pytest.mark.parametrize("name", [v.name for v in VIEWS if "GET" in v.methods])
def test_no_page_repeats_an_id_and_every_label_finds_its_field(site, as_role, name):
    """Two forms on one page with the same field ids leave the second's labels pointing at
    the first's fields: a screen reader reads its fields without names."""
    response = as_role("admin").get(_url(BY_NAME[name], site))
    if response.status_code != 200 or "html" not in response["Content-Type"]:
        return
    html = response.content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert sorted(set(re.findall(r'<label[^>]*\sfor="([^"]+)"', html)) - set(ids)) == []
    # A template comment Django did not take for one ({# … #} over two lines) shows as text.
    assert "{#" not in html and "#}" not in html and "{%" not in html


@pytest.mark.parametrize("name", [v.name for v in VIEWS if "GET" in v.methods])
def test_a_page_answers_head_as_it_answers_get(site, as_role, name):
    """Link checkers and monitors ask with HEAD: the same status as GET, with no body (forms
    too: a HEAD changes nothing)."""
    client = as_role("admin")
    url = _url(BY_NAME[name], site)
    got, head = client.get(url), client.head(url)
    assert head.status_code == got.status_code != 405, url
    assert head.content == b""


@pytest.fixture
def register_editor(site, as_role):
    """A client signed in as an editor of the default register alone."""
    from django.contrib.auth.models import User

    user = User.objects.create_user("ours-only")
    Membership.objects.create(user=user, mapping=Mapping.objects.get(is_default=True),
                              role="editor")  # fmt: skip
    client = as_role("anonymous")
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", [*ROLES, REGISTER_EDITOR])
@pytest.mark.parametrize("name", [v.name for v in VIEWS if "GET" in v.methods])
def test_each_role_gets_exactly_what_it_may(site, as_role, register_editor, name, role):
    """Reading is open to everyone; a page that writes asks anonymous visitors to log in
    and refuses anyone below its role, in the register it writes to (and frameworks
    shared with other registers, and the site's own pages, need the role site-wide).
    (test_roles.py posts to every writing view.)"""
    view = BY_NAME[name]
    client = register_editor if role == REGISTER_EDITOR else as_role(role)
    response = client.get(_url(view, site))
    if role == REGISTER_EDITOR:
        allowed = view.role in ("anonymous", "viewer") or (
            view.for_register_editor and view.role == "editor"
        )
        assert response.status_code == (301 if view.moved_to else 200 if allowed else 403)
        return
    if RANK[role] >= RANK[view.role]:
        assert response.status_code == (301 if view.moved_to else 200)
    elif role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403
