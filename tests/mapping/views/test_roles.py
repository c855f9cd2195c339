"""Every write view against every role: who may, who is sent to log in, who gets 403, and
that a refusal changes nothing. The roles are the site-wide ones, and an editor and a
publisher of the default register alone, and an editor of another register: a role in one
register writes there and nowhere else (frameworks shared with another register, and the
site's own business, need the role site-wide)."""

import html

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mapping.importing.batches import run_dry_run
from mapping.models import (
    ApiToken,
    Change,
    Edition,
    ImportBatch,
    Invitation,
    Link,
    LinkStatus,
    Mapping,
    Membership,
    ReviewedGap,
)
from mapping.models.inference import ReviewedPair
from standards.models import Element, Framework
from tests.synthetic import crosswalk_suggestion, new_version

ROLES = ["anonymous", "nobody", "viewer", "editor", "publisher", "admin"]
# Roles in one register: the default register's own editor and publisher, and an editor of
# another register.
REGISTER_ROLES = ["ours editor", "ours publisher", "other editor"]


def _state():
    """Everything a write view could change, to compare before and after a refusal."""
    return (
        list(Link.objects.order_by("pk").values()),
        list(Element.objects.order_by("pk").values()),
        list(Framework.objects.order_by("pk").values()),
        list(Mapping.objects.order_by("pk").values()),
        list(ImportBatch.objects.order_by("pk").values("pk", "state")),
        Change.objects.count(),
        Edition.objects.count(),
        list(ReviewedPair.objects.order_by("pk").values()),
        list(ReviewedGap.objects.order_by("pk").values("element", "reason")),
        list(Membership.objects.order_by("pk").values("user", "mapping", "role")),
        list(User.objects.order_by("pk").values("username", "is_active", "is_superuser")),
        list(Invitation.objects.order_by("pk").values("email", "withdrawn_at")),
        list(ApiToken.objects.order_by("pk").values("revoked_at")),
        AccessAttempt.objects.count(),
    )


def _upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _write_views(small):
    """(name, url, POST data, lowest role that may) for every view that writes."""
    link = small["b11_s11"]
    draft = small["b1_s2"]
    draft.status = LinkStatus.DRAFT
    draft.save()
    Framework.objects.create(name="Spare", slug="spare", kind="standards", publisher="Body")
    # Something already retired, for each view that restores, so every case stands alone.
    Framework.objects.create(
        name="Old", slug="old", kind="standards", publisher="Body", retired=True,
        retired_reason="Replaced.",
    )  # fmt: skip
    old_element = Element.objects.create(
        framework=small["behaviours"], code="B0", title="Old", level_label="Top", retired=True,
        retired_reason="Replaced.",
    )  # fmt: skip
    Element.objects.create(framework=small["standards"], code="S9", title="Nobody's yet",
                           level_label="Top", position=9)  # a gap to review  # fmt: skip
    old_link = Link.objects.create(
        mapping=small["mapping"], source=small["b12"], target=small["s2"],
        relation="supports", rationale="Once.", status=LinkStatus.RETIRED,
        retired_reason="Replaced.",
    )  # fmt: skip
    proposed = Link.objects.create(
        mapping=small["mapping"], source=small["b12"], target=small["s11"],
        relation="supports", rationale="Thanks is hearing.", status=LinkStatus.PROPOSED,
    )  # fmt: skip
    # Accepted from an inference whose step has since changed relation: flagged for review.
    step = small["b11_s11"]
    Link.objects.filter(pk=proposed.pk).update(accepted_from={"kind": "inferred", "via": "S1",
        "paths": [{"first": step.pk, "first_relation": "supports", "second": step.pk,
                   "second_relation": step.relation, "via": "S1"}]})  # fmt: skip
    change = Change.objects.record(
        small["b12"], action=Change.Action.EDITED, before={"title": "Old"}, by=None
    )
    other = Mapping.objects.create(
        name="Other", slug="other", organisation="Org", source_framework=small["behaviours"],
        target_framework=small["standards"],
    )  # fmt: skip
    batch = ImportBatch.objects.create(
        kind="links", file_format="csv", filename="links.csv", mapping=small["mapping"],
        content=b"source code,target code,relation,rationale\nB1.2,S2,supports,Why.\n",
    )  # fmt: skip
    run_dry_run(batch)
    crosswalk_suggestion(small)  # B2 → S2, inferred through A1 of an older set of standards
    new_version(small)  # the-standards-2, which the register can move onto
    newcomer = User.objects.create_user("newcomer")
    AccessAttempt.objects.create(username="newcomer", ip_address="10.0.0.1", user_agent="",
                                 failures_since_start=5, get_data="", post_data="",
                                 http_accept="", path_info="/login/")  # locked out  # fmt: skip
    token, _key = ApiToken.issue(newcomer, "Intranet")
    leaver = User.objects.create_user("leaver", email="leaver@example.org", is_active=False)
    invitation, _key = Invitation.objects.issue("invited@example.org", "viewer", None, by=None)
    framework_file = "code,title,level label\nV1,Be kind,Value\n"
    return [
        ("link_create", reverse("link_create"),
         {"source": "B1.2", "target": "S1", "relation": "supports", "rationale": "Why."},
         "editor"),
        ("link_edit", reverse("link_edit", args=[link.pk]),
         {"relation": "supports", "rationale": "New.", "example": "", "revision": link.revision},
         "editor"),
        ("link_retire", reverse("link_retire", args=[small["b2_s12"].pk]),
         {"reason": "Superseded.", "revision": 1}, "editor"),
        ("link_restore", reverse("link_restore", args=[old_link.pk]), {}, "editor"),
        ("link_propose", reverse("link_propose", args=[draft.pk]), {}, "editor"),
        ("link_approve", reverse("link_approve", args=[draft.pk]), {}, "publisher"),
        ("link_still_holds", reverse("link_still_holds", args=[proposed.pk]), {}, "editor"),
        ("element_edit", reverse("element_edit", args=[small["b1"].pk]),
         {"title": "Be very kind", "description": "", "revision": 1, "source_check": "unchecked",
          "level_label": "Behaviour"},
         "editor"),
        ("element_retire", reverse("element_retire", args=[small["b12"].pk]),
         {"reason": "Folded into B1.1.", "revision": 1}, "editor"),
        ("element_restore", reverse("element_restore", args=[old_element.pk]), {}, "editor"),
        ("element_create", reverse("element_create", args=["our-ways"]),
         {"code": "B3", "title": "Be curious", "level_label": "Top", "position": 3}, "editor"),
        ("framework_create", reverse("framework_create"),
         {"name": "New", "slug": "newer", "kind": "standards", "publisher": "Body"}, "editor"),
        ("framework_edit", reverse("framework_edit", args=["our-ways"]),
         {"name": "Our new ways", "publisher": "Org", "revision": 1}, "editor"),
        ("framework_retire", reverse("framework_retire", args=["spare"]),
         {"reason": "Never used.", "revision": 1}, "editor"),
        ("framework_restore", reverse("framework_restore", args=["old"]), {}, "editor"),
        ("change_revert", reverse("change_revert", args=[change.pk]), {}, "publisher"),
        ("edition_publish", reverse("edition_publish"), {"title": "First"}, "publisher"),
        ("framework_import", reverse("framework_import"),
         {"file": _upload("values.csv", framework_file), "name": "Values", "slug": "values",
          "kind": "behaviours", "publisher": "Us"}, "editor"),
        ("link_import", reverse("link_import"),
         {"file": _upload("links.csv", "source code,target code,relation,rationale\n"
                          "B2,S2,supports,Why.\n"), "status": "draft"}, "editor"),
        ("import_apply", reverse("import_apply", args=[batch.pk]), {}, "editor"),
        ("mapping_create", reverse("mapping_create"),
         {"name": "Third", "slug": "third", "organisation": "Org",
          "source_framework": small["behaviours"].pk,
          "target_framework": small["standards"].pk}, "editor"),
        ("mapping_make_default", reverse("mapping_make_default", args=[other.slug]), {},
         "publisher"),
        ("mapping_edit", reverse("mapping_edit"),
         {"name": "Our ways, renamed", "organisation": "Org"}, "publisher"),
        ("gap_review", reverse("gap_review"),
         {"side": "target", "code": "S9", "reason": "Not ours to meet."}, "editor"),
        ("suggestion_accept", reverse("suggestion_accept"),
         {"kind": "inferred", "pair": "B2:S2", "relation": "supports", "rationale": "Why."},
         "editor"),
        ("suggestion_dismiss", reverse("suggestion_dismiss"),
         {"kind": "inferred", "pair": "B2:S2", "reason": "Not for us."}, "editor"),
        ("suggestions_bulk", reverse("suggestions_bulk"),
         {"chosen": "inferred:B2:S2", "action": "dismiss", "reason": "Not for us."}, "editor"),
        ("register_move", reverse("register_move"),
         {"to": "the-standards-2", "name": "Moved", "slug": "moved"}, "publisher"),
        ("review", reverse("review"), {"action": "approve", "chosen": proposed.pk,
                                       "seen": f"{proposed.pk}:{proposed.revision}"},
         "publisher"),
        ("person", reverse("person", args=[newcomer.pk]),
         {"role": "viewer", "mapping": "", "reason": "Joined the team."}, "admin"),
        ("people_invite", reverse("people_invite"),
         {"email": "someone@example.org", "role": "editor", "mapping": ""}, "admin"),
        ("invitation_withdraw", reverse("invitation_withdraw", args=[invitation.pk]), {},
         "admin"),
        ("person_token_revoke", reverse("person_token_revoke", args=[newcomer.pk, token.pk]),
         {}, "admin"),
        ("invitation_again", reverse("invitation_again", args=[invitation.pk]), {}, "admin"),
        ("person_unlock", reverse("person_unlock", args=[newcomer.pk]), {}, "admin"),
        ("person_forget", reverse("person_forget", args=[leaver.pk]),
         {"reason": "Asked to be forgotten.", "username": "leaver"}, "admin"),
    ]  # fmt: skip


# The lowest role in the default register alone that may use each view that writes to that
# register (and to nothing shared); every other write view needs a site-wide role.
FOR_OURS = {
    "link_create": "editor", "link_edit": "editor", "link_retire": "editor",
    "link_restore": "editor", "link_propose": "editor", "link_approve": "publisher",
    "link_still_holds": "editor",
    "edition_publish": "publisher", "link_import": "editor", "import_apply": "editor",
    "suggestion_accept": "editor", "suggestion_dismiss": "editor", "suggestions_bulk": "editor",
    "review": "publisher", "mapping_edit": "publisher", "gap_review": "editor",
}  # fmt: skip

# Views that only take a POST: a GET is the wrong method, whoever asks.
POST_ONLY = {
    "link_restore", "link_propose", "link_approve", "link_still_holds", "element_restore",
    "framework_restore",
    "change_revert", "import_apply", "mapping_make_default", "suggestion_dismiss",
    "suggestions_bulk", "invitation_withdraw", "person_token_revoke", "invitation_again",
    "gap_review", "person_unlock",
}  # fmt: skip

# Write views whose page editors may read, though only publishers may post to them.
EDITORS_READ = {"review"}

WRITE_VIEWS = [
    "link_create", "link_edit", "link_retire", "link_restore", "link_propose", "link_approve",
    "link_still_holds", "element_edit", "element_retire", "element_restore", "element_create",
    "framework_create",
    "framework_edit", "framework_retire", "framework_restore", "change_revert",
    "edition_publish", "framework_import", "link_import", "import_apply", "mapping_create",
    "mapping_make_default", "mapping_edit", "gap_review", "suggestion_accept",
    "suggestion_dismiss", "suggestions_bulk", "register_move", "review", "person",
    "people_invite", "invitation_withdraw", "person_token_revoke", "invitation_again",
    "person_unlock", "person_forget",
]  # fmt: skip


def test_the_table_names_every_write_view(small):
    assert [name for name, *_ in _write_views(small)] == WRITE_VIEWS


def _register_client(small, role: str):
    """A client signed in as someone whose one role is in one register."""
    from django.contrib.auth.models import User
    from django.test import Client

    where, held = role.split()
    mapping = small["mapping"] if where == "ours" else Mapping.objects.get(slug="other")
    user = User.objects.create_user(role.replace(" ", "-"))
    Membership.objects.create(user=user, mapping=mapping, role=held)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", [*ROLES, *REGISTER_ROLES])
@pytest.mark.parametrize("view", WRITE_VIEWS)
def test_every_write_view_checks_the_role(small, as_role, view, role):
    """Each view and role its own case: who may write does; anyone else changes nothing."""
    name, url, data, needed = next(v for v in _write_views(small) if v[0] == view)
    rank = {name: i for i, name in enumerate(ROLES)}
    if role in REGISTER_ROLES:
        client = _register_client(small, role)
        held, theirs = role.split()[1], FOR_OURS.get(name)
        allowed = role.startswith("ours") and theirs is not None and rank[held] >= rank[theirs]
    else:
        client = as_role(role)
        allowed = role != "anonymous" and rank[role] >= rank[needed]
    before = _state()
    if not allowed:
        for method in ("get", "post"):
            response = getattr(client, method)(url, data)
            if method == "get" and name in POST_ONLY:
                assert response.status_code == 405  # the method is wrong before anything
                continue
            if method == "get" and name in EDITORS_READ and "editor" in role:
                assert response.status_code == 200  # they see it, without the buttons
                continue
            if role == "anonymous":
                assert response.status_code == 302, method
                assert response["Location"].startswith(reverse("login"))
            else:
                assert response.status_code == 403, method
        assert _state() == before, f"{name} changed something for {role}"
    else:
        response = client.post(url, data)
        assert response.status_code in (302, 200), response.status_code
        if name != "change_revert":  # reverting a made-up change may be refused
            assert _state() != before, f"{name} changed nothing for {role}"


def test_a_refusal_says_where_the_role_is_needed(small):
    """Someone with a role in one register is told what the action needs: the role in
    this register, site-wide, or in every register using the framework."""
    _write_views(small)  # makes the other register
    element = small["mapping"].source_framework.elements.first()
    cases = [
        ("other editor", reverse("link_create"), "the editor role in this register."),
        ("ours editor", reverse("mapping_create"), "the editor role for the whole site: a "
         "role in one register does not reach it."),
        ("ours viewer", reverse("element_edit", args=[element.pk]), "the editor role for the "
         "whole site, or in every register that uses this framework."),
    ]  # fmt: skip
    for role, url, said in cases:
        response = _register_client(small, role).get(url)
        assert response.status_code == 403, url
        assert f"This needs {said}" in response.content.decode(), url


def test_htmx_requests_from_anonymous_users_are_sent_to_log_in(small, client):
    link = small["b11_s11"]
    response = client.get(reverse("link_edit", args=[link.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_roles_are_memberships_site_wide_or_per_register(small, people):
    ours = Membership.objects.create(user=people["nobody"], mapping=small["mapping"],
                                     role="editor")  # fmt: skip
    assert str(ours) == "nobody is editor of Our ways to the standards"
    assert Membership.objects.get(user=people["editor"]).mapping is None


def test_readers_do_not_see_edit_controls(small, as_role):
    for role in ("anonymous", "viewer"):
        html = as_role(role).get(reverse("link_table")).content.decode()
        assert reverse("link_edit", args=[small["b11_s11"].pk]) not in html
    html = as_role("editor").get(reverse("link_table")).content.decode()
    assert reverse("link_edit", args=[small["b11_s11"].pk]) in html
    assert reverse("link_create") in html


def test_when_public_reading_is_off_every_page_asks_for_a_login(small, client, settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    for url in (
        "/",
        "/links/",
        "/matrix/",
        "/editions/",
        "/changes/",
        "/behaviours/B1/",
        "/elements/our-ways/B1/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("login")).status_code == 200


def test_public_read_setting_is_a_boolean(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import mapping.settings

    monkeypatch.setenv("WEAVE_PUBLIC_READ", "off")
    monkeypatch.setenv("SECRET_KEY", "x")
    reloaded = importlib.reload(mapping.settings)
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in reloaded.MIDDLEWARE
    monkeypatch.setenv("WEAVE_PUBLIC_READ", "sometimes")
    with pytest.raises(ImproperlyConfigured):
        importlib.reload(mapping.settings)
    monkeypatch.delenv("WEAVE_PUBLIC_READ")
    importlib.reload(mapping.settings)


def test_seed_demo_creates_an_account_per_role(demo):
    from django.contrib.auth.models import User

    from mapping.access.policy import Role, may

    assert may(User.objects.get(username="viewer"), Role.VIEWER)
    assert not may(User.objects.get(username="viewer"), Role.EDITOR)
    assert may(User.objects.get(username="editor"), Role.EDITOR)
    assert not may(User.objects.get(username="editor"), Role.PUBLISHER)
    assert may(User.objects.get(username="publisher"), Role.PUBLISHER)
    assert User.objects.get(username="admin").is_superuser
    assert not Link.objects.exclude(status=LinkStatus.APPROVED).exists()


@pytest.mark.parametrize("url", ["/admin/", "/admin/mapping/link/", "/admin/auth/user/"])
def test_the_admin_refuses_anyone_signed_in_who_is_not_staff(small, as_role, url):
    """An editor of one register (or a site-wide publisher who is not staff) gets a 403;
    nobody signed in is asked to log in; staff get in."""
    ours = _register_client(small, "ours editor")
    assert ours.get(url).status_code == 403
    assert as_role("publisher").get(url).status_code == 403
    anonymous = as_role("anonymous").get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    assert as_role("admin").get(url).status_code == 200


APPLIERS = [("editor", False), ("ours editor", False), ("publisher", True),
            ("ours publisher", True)]  # fmt: skip


@pytest.mark.parametrize(("role", "allowed"), APPLIERS)
def test_applying_an_approved_import_needs_a_publisher_whoever_uploaded_it(
    small, as_role, people, role, allowed
):
    """A publisher uploads links to be saved approved and stops at the dry run: an editor
    who opens it may not apply it (they would approve links); a publisher may."""
    batch = ImportBatch.objects.create(
        kind="links", file_format="csv", filename="links.csv", mapping=small["mapping"],
        content=b"source code,target code,relation,rationale\nB1.2,S1.1,supports,Why.\n",
        options={"status": "approved"}, created_by=people["publisher"],
    )  # fmt: skip
    run_dry_run(batch)
    client = _register_client(small, role) if role.startswith("ours") else as_role(role)
    # The dry run offers Apply only to those it would let apply it, and tells the rest why.
    page = html.unescape(client.get(batch.get_absolute_url()).content.decode())
    assert ("Apply this import</button>" in page) is allowed
    assert ("ask one to apply it, or import the file again" in page) is not allowed
    response = client.post(reverse("import_apply", args=[batch.pk]))
    batch.refresh_from_db()
    made = Link.objects.filter(source=small["b12"], target=small["s11"])
    if allowed:
        assert response.status_code == 302
        assert batch.state == ImportBatch.State.APPLIED
        assert made.get().status == LinkStatus.APPROVED
    else:
        assert response.status_code == 403
        assert "only a publisher of this register may do" in response.content.decode()
        assert batch.state == ImportBatch.State.PLANNED and not made.exists()


def test_the_guide_offers_a_framework_import_only_to_those_it_would_let_in(small, as_role):
    """An editor of one register whose frameworks another register shares may import links
    but not a framework: the guide does not offer what the next page would refuse."""
    Mapping.objects.create(name="Other", slug="other", organisation="Org",
                           source_framework=small["behaviours"],
                           target_framework=small["standards"])  # fmt: skip
    guide = "/"  # the default register's guide
    for client, offered in ((_register_client(small, "ours editor"), False),
                            (as_role("editor"), True)):  # fmt: skip
        page = client.get(guide).content.decode()
        assert "Import links into this register" in page
        assert ("Import a framework" in page) is offered
        status = client.get(reverse("framework_import")).status_code
        assert status == (200 if offered else 403)


def test_the_header_names_roles_held_elsewhere_rather_than_no_role(small):
    """Someone whose roles are in registers: their role in the register they are in, "No
    role in this register" in another, and on pages across registers what they hold."""
    Mapping.objects.create(name="Other", slug="other", organisation="Org",
                           source_framework=small["behaviours"],
                           target_framework=small["standards"])  # fmt: skip
    client = _register_client(small, "ours publisher")

    def role(url: str) -> str:
        page = client.get(url).content.decode()
        return page[page.index('<span class="role">') :].split("</span>")[0]

    assert role("/").endswith("(Publisher)")
    assert role("/m/other/").endswith("(No role in this register)")
    assert role(reverse("changes")).endswith("(Publisher in 1 register)")
    Membership.objects.create(user=User.objects.get(username="ours-publisher"),
                              mapping=Mapping.objects.get(slug="other"), role="editor")  # fmt: skip
    assert role(reverse("changes")).endswith("(Roles in 2 registers)")
    assert role("/m/other/").endswith("(Editor)")


def test_an_editor_who_may_not_add_a_framework_is_not_asked_for_a_new_ones_details(small):
    """An editor of the only register using its frameworks may import into them, not make
    a new one: the form asks nothing of a new framework, and a file goes into the chosen."""
    client = _register_client(small, "ours editor")
    page = client.get(reverse("framework_import")).content.decode()
    assert "For a new framework" not in page and "New framework&#x27;s name" not in page
    assert "A new framework" not in page and "a new one" not in page
    assert "adding a new framework is for site-wide editors" in page
    upload = SimpleUploadedFile("more.csv", b"code,title,level label\nB9,Be brave,Behaviour\n")
    response = client.post(reverse("framework_import"), {
        "file": upload, "framework": small["behaviours"].pk,
        "name": "Ignored", "slug": "ignored", "kind": "standards", "publisher": "Nobody",
    })  # fmt: skip
    assert response.status_code == 302
    batch = ImportBatch.objects.get(filename="more.csv")
    assert batch.framework == small["behaviours"] and batch.details == {}


def test_the_lists_offer_a_framework_import_to_whoever_may_change_a_framework(small, as_role):
    """An editor of the only register using its frameworks may import into them: the
    frameworks and registers lists offer it, though not adding a framework or register."""
    client = _register_client(small, "ours editor")
    for url in (reverse("framework_list"), reverse("mapping_list")):
        page = client.get(url).content.decode()
        assert "Import a framework</a>" in page, url
        assert "Add a framework</a>" not in page and "Add a register</a>" not in page
    assert "Import a framework</a>" not in as_role("viewer").get(reverse("framework_list"))\
        .content.decode()  # fmt: skip


def test_a_new_version_of_only_a_framework_they_may_change(small, as_role):
    """Saying which framework this one replaces changes that one's page too: an editor of
    one register is offered only frameworks of the same kind that they may change, and
    naming another is refused, with nothing changed."""
    other = Framework.objects.create(name="Other standards", slug="other-standards",
                                     kind=small["standards"].kind)  # fmt: skip
    Mapping.objects.create(name="Other", slug="other", organisation="Org",
                           source_framework=small["behaviours"],
                           target_framework=other)  # fmt: skip
    url = reverse("framework_edit", args=[small["standards"].slug])
    client = _register_client(small, "ours editor")
    page = client.get(url).content.decode()
    choices = page.split('name="replaces"')[1].split("</select>")[0]
    assert "Other standards" not in choices and "Our ways" not in choices
    response = client.post(url, {"name": "The standards", "publisher": "Org", "revision": 1,
                                 "replaces": other.pk})  # fmt: skip
    assert response.status_code == 400
    assert "Choose one of the frameworks listed" in response.content.decode()
    assert Framework.objects.get(pk=small["standards"].pk).replaces_id is None
    # Someone who holds the role site-wide may say so.
    page = as_role("editor").get(url).content.decode()
    assert "Other standards" in page.split('name="replaces"')[1].split("</select>")[0]
