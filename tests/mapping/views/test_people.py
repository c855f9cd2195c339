"""People, for administrators: roles given and taken away with a reason, accounts
deactivated and reactivated, invitations sent, withdrawn and accepted, and the audit log
that keeps all of it (with sign-ins and token use) for the days the site keeps."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mapping.models import ApiToken, Audit, AuditEntry, Invitation, Membership


@pytest.fixture
def admin_client(people):
    client = Client()
    client.force_login(people["admin"])
    return client


def _text(response) -> str:
    return response.content.decode()


def test_the_people_page_lists_everyone_with_their_roles(small, people, admin_client):
    Membership.objects.create(user=people["nobody"], mapping=small["mapping"], role="editor")
    page = _text(admin_client.get(reverse("people")))
    assert "Editor in Our ways to the standards" in page
    for username in ("nobody", "viewer", "editor", "publisher", "admin"):
        assert f">{username}</a>" in page
    assert "Administrator" in page and "A password" in page
    # Someone with roles in registers only has no site-wide role: a dash, not a blank.
    assert '<td data-label="Site-wide role">—</td>' in page
    assert '<td data-label="Site-wide role">Editor</td>' in page
    assert '<td data-label="In registers">—</td>' in page  # the site-wide editor


def test_a_role_changes_with_a_reason_site_wide_or_in_one_register(small, people, admin_client):
    nobody = people["nobody"]
    url = reverse("person", args=[nobody.pk])
    response = admin_client.post(url, {"role": "publisher", "mapping": small["mapping"].pk,
                                       "reason": "Leads this register."})  # fmt: skip
    assert response.status_code == 302
    assert Membership.objects.get(user=nobody).mapping == small["mapping"]
    entry = AuditEntry.objects.get(action=Audit.ROLE_CHANGED)
    assert (entry.actor_name, entry.person) == ("admin", nobody)
    assert entry.detail == ("no role → publisher in Our ways to the standards. Reason: Leads "
                            "this register.")  # fmt: skip
    admin_client.post(url, {"role": "administrator", "mapping": "", "reason": "IT lead."})
    nobody.refresh_from_db()
    assert nobody.is_superuser and nobody.is_staff


def test_a_role_change_without_a_reason_or_an_administrator_of_one_register_is_refused(
    small, people, admin_client
):
    url = reverse("person", args=[people["viewer"].pk])
    response = admin_client.post(url, {"role": "editor", "mapping": "", "reason": ""})
    assert response.status_code == 400
    assert "Say why: it is kept in the audit log." in _text(response)
    both = admin_client.post(url, {"role": "editor", "active": "false", "reason": ""})
    assert _text(both).count("Say why: it is kept in the audit log.") == 1  # said once
    assert people["viewer"].is_active
    response = admin_client.post(url, {"role": "administrator", "mapping": small["mapping"].pk,
                                       "reason": "Why not."})  # fmt: skip
    assert response.status_code == 400
    assert "An administrator is one for the whole site" in _text(response)
    response = admin_client.post(url, {"role": "editor", "mapping": "99999", "reason": "Why."})
    assert "There is no such register" in _text(response)
    assert Membership.objects.get(user=people["viewer"]).role == "viewer"
    assert not AuditEntry.objects.filter(action=Audit.ROLE_CHANGED).exists()


def test_the_site_keeps_an_active_administrator(db, people, admin_client):
    admin = people["admin"]
    url = reverse("person", args=[admin.pk])
    for data in ({"role": "publisher", "mapping": "", "reason": "Stepping down."},
                 {"active": "false", "reason": "Leaving."}):  # fmt: skip
        response = admin_client.post(url, data)
        assert response.status_code == 400
        assert "only active administrator" in _text(response)
    admin.refresh_from_db()
    assert admin.is_superuser and admin.is_active
    # The page does not offer what it would refuse, and speaks to the reader of themselves.
    page = _text(admin_client.get(url))
    assert "You are the site's only active administrator, so this account cannot be " \
        "deactivated" in page  # fmt: skip
    assert "Deactivate the account" not in page
    # With a second administrator, the first may step down, once they say they mean it,
    # and lands on a page they may still see.
    User.objects.create_superuser("second")
    page = _text(admin_client.get(url))
    assert "Deactivate the account" in page
    assert "You will not be able to sign in, and your API tokens are revoked." in page
    stepping_down = {"role": "publisher", "mapping": "", "reason": "Stepping down."}
    response = admin_client.post(url, stepping_down)
    assert response.status_code == 400
    assert "This takes away your own administrator role: tick the box" in _text(response)
    admin.refresh_from_db()
    assert admin.is_superuser
    response = admin_client.post(url, stepping_down | {"yourself": "on"})
    assert response["Location"] == reverse("home")
    admin.refresh_from_db()
    assert not admin.is_superuser
    assert Membership.objects.get(user=admin, mapping=None).role == "publisher"
    assert "admin is now a publisher site-wide." in _text(admin_client.get(reverse("home")))


def test_the_box_for_stepping_down_is_only_on_your_own_page(db, people, admin_client):
    box = "I am taking away my own administrator role"
    User.objects.create_superuser("second")  # so that stepping down is offered at all
    assert box in _text(admin_client.get(reverse("person", args=[people["admin"].pk])))
    assert box not in _text(admin_client.get(reverse("person", args=[people["editor"].pk])))


def test_an_account_is_deactivated_and_reactivated(db, people, admin_client, client):
    editor = people["editor"]
    url = reverse("person", args=[editor.pk])
    assert admin_client.post(url, {"active": "false", "reason": "Left."}).status_code == 302
    editor.refresh_from_db()
    assert not editor.is_active
    assert "Deactivated" in _text(admin_client.get(reverse("people")))
    admin_client.post(url, {"active": "true", "reason": "Back."})
    editor.refresh_from_db()
    assert editor.is_active
    assert [e.action for e in AuditEntry.objects.filter(person=editor)] == [
        Audit.REACTIVATED, Audit.DEACTIVATED]  # fmt: skip


def test_deactivating_revokes_the_tokens_and_reactivating_does_not_bring_them_back(
    db, people, admin_client, settings
):
    settings.WEAVE_PUBLIC_READ = False
    editor = people["editor"]
    _token, key = ApiToken.issue(editor, "Intranet widget")
    ApiToken.issue(editor, "Spreadsheet")
    bearer = {"Authorization": f"Bearer {key}"}
    assert Client().get("/api/mappings", headers=bearer).status_code == 200
    url = reverse("person", args=[editor.pk])
    response = admin_client.post(url, {"active": "false", "reason": "Left."}, follow=True)
    assert "editor is now deactivated; 2 API tokens revoked." in _text(response)
    assert AuditEntry.objects.get(action=Audit.DEACTIVATED).detail == (
        "Reason: Left. (2 API tokens revoked)")  # fmt: skip
    admin_client.post(url, {"active": "true", "reason": "Back from leave."})
    editor.refresh_from_db()
    assert editor.is_active
    assert Client().get("/api/mappings", headers=bearer).status_code == 401
    assert not ApiToken.objects.active().filter(user=editor).exists()
    assert "make new ones under Your account" not in _text(admin_client.get(url))  # active now


def test_an_administrator_sees_and_revokes_someones_tokens(db, people, admin_client, settings):
    settings.WEAVE_PUBLIC_READ = False
    viewer = people["viewer"]
    token, key = ApiToken.issue(viewer, "Intranet widget")
    url = reverse("person", args=[viewer.pk])
    page = _text(admin_client.get(url))
    assert "Intranet widget" in page and f"<code>{token.prefix}…</code>" in page
    revoke = reverse("person_token_revoke", args=[viewer.pk, token.pk])
    response = admin_client.post(revoke, follow=True)
    assert "Revoked viewer&#x27;s token “Intranet widget”" in _text(response)
    assert Client().get("/api/mappings", headers={"Authorization": f"Bearer {key}"}
                        ).status_code == 401  # fmt: skip
    entry = AuditEntry.objects.get(action=Audit.TOKEN_REVOKED)
    assert (entry.actor_name, entry.person) == ("admin", viewer)
    # Again: nothing to do, and said so. Someone else's token under this person: not found.
    assert "was already revoked" in _text(admin_client.post(revoke, follow=True))
    other = reverse("person_token_revoke", args=[people["editor"].pk, token.pk])
    assert admin_client.post(other).status_code == 404


def test_tokens_made_and_revoked_by_their_holder_are_in_the_audit_log(db, people, as_role):
    client = as_role("viewer")
    client.post(reverse("account"), {"name": "College intranet"})
    token = ApiToken.objects.get(user=people["viewer"])
    client.post(reverse("token_revoke", args=[token.pk]))
    entries = AuditEntry.objects.filter(person=people["viewer"]).exclude(
        action=Audit.SIGNED_IN).order_by("pk")  # fmt: skip
    assert [(e.action, e.actor_name, e.detail) for e in entries] == [
        (Audit.TOKEN_MADE, "viewer", str(token)),
        (Audit.TOKEN_REVOKED, "viewer", str(token)),
    ]


def test_a_deactivated_person_is_told_why_they_cannot_sign_in(db, people, client):
    people["editor"].set_password("pw")
    people["editor"].is_active = False
    people["editor"].save()
    people["editor"].email = "ed@homes.example"
    people["editor"].save()
    said = "This account has been deactivated"
    for typed in ("editor", "EDITOR", "ed@homes.example"):  # however sign-in takes it
        response = client.post(reverse("login"), {"username": typed, "password": "pw"})
        assert said in _text(response), typed
    # A wrong password says only that: it does not give away whether the account is active.
    response = client.post(reverse("login"), {"username": "editor", "password": "wrong"})
    assert said not in _text(response)
    assert "username (or email address) and password do not match" in _text(response)


def test_an_invitation_is_sent_and_accepted(small, people, admin_client, client, settings):
    people["admin"].first_name, people["admin"].last_name = "Admin", "Person"
    people["admin"].email = "admin@example.org"
    people["admin"].save()
    settings.EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = admin_client.post(reverse("people_invite"), {
        "email": "Sam@Example.org", "role": "editor", "mapping": small["mapping"].pk})  # fmt: skip
    assert response.status_code == 200
    assert "The link is on its way by email." in _text(response)
    assert "<title>Invite people: People · Weave</title>" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["sam@example.org"]
    # Who invited them, whose Weave it is and what it is for, in a plain and an HTML part.
    assert message.subject == "You are invited to Weave at Org"
    assert message.body.startswith("Hello,\n\nAdmin Person (admin@example.org) has invited you "
                                   "to Weave, where Org keeps its registers, as editor in Our "
                                   "ways to the standards.")  # fmt: skip
    [(html, media_type)] = message.alternatives
    assert media_type == "text/html" and '<a href="http://testserver/invitations/' in html
    link = next(line for line in message.body.splitlines() if "/invitations/" in line)
    path = link[link.index("/invitations/") :]
    invitation = Invitation.objects.get()
    assert invitation.digest not in message.body  # only the key travels, only its digest stays
    # The person invited sets up the account.
    page = client.get(path)
    assert "as editor in Our ways to the standards" in _text(page)
    response = client.post(path, {"name": "Sam Jones", "username": "sam",
                                  "password": "a long pass phrase", "password_again":
                                  "a long pass phrase"})  # fmt: skip
    assert response.status_code == 302
    sam = User.objects.get(username="sam")
    assert (sam.email, sam.first_name, sam.last_name) == ("sam@example.org", "Sam", "Jones")
    assert Membership.objects.get(user=sam).mapping == small["mapping"]
    assert client.get("/").wsgi_request.user == sam
    # The link works once.
    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert "already been used" in _text(again)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {Audit.INVITED, Audit.INVITATION_ACCEPTED, Audit.SIGNED_IN} <= actions


def test_without_email_the_link_is_shown_once(db, people, admin_client):
    response = admin_client.post(
        reverse("people_invite"), {"email": "kim@example.org", "role": "viewer", "mapping": ""}
    )
    text = _text(response)
    assert "send them this link yourself" in text
    assert "/invitations/" in text
    assert response["Cache-Control"].startswith("max-age=0")


def test_an_invitation_to_an_address_already_in_weave_or_already_invited_is_refused(
    db, people, admin_client
):
    people["viewer"].email = "viewer@example.org"
    people["viewer"].save()
    for email, said in (("VIEWER@example.org", "already has an account"),
                        ("kim@example.org", None), ("kim@example.org", "already has an "
                                                    "invitation waiting")):  # fmt: skip
        response = admin_client.post(
            reverse("people_invite"), {"email": email, "role": "viewer", "mapping": ""}
        )
        if said:
            assert response.status_code == 400
            assert said in _text(response)
    assert Invitation.objects.count() == 1


def _invitation(**changes):
    invitation, key = Invitation.objects.issue("new@example.org", "viewer", None, by=None)
    Invitation.objects.filter(pk=invitation.pk).update(**changes)
    return f"/invitations/{key}/"


@pytest.mark.parametrize(("changes", "said"), [
    ({"expires_at": timezone.now() - timedelta(minutes=1)}, "This invitation expired on"),
    ({"withdrawn_at": timezone.now()}, "This invitation was withdrawn"),
    ({"accepted_at": timezone.now()}, "already been used"),
])  # fmt: skip
def test_an_invitation_that_cannot_be_used_says_why(db, client, changes, said):
    path = _invitation(**changes)
    details = {"name": "A", "username": "a", "password": "a long pass phrase",
               "password_again": "a long pass phrase"}  # fmt: skip
    for response in (client.get(path), client.post(path, details)):
        assert response.status_code == 410
        assert said in _text(response)
    assert not User.objects.filter(username="a").exists()


def test_a_used_invitation_opened_when_signed_in_does_not_ask_to_sign_in(db, people, client):
    client.force_login(people["viewer"])
    response = client.get(_invitation(accepted_at=timezone.now()))
    assert response.status_code == 410
    text = _text(response)
    main = text[text.index("<main") :]
    assert "This invitation has already been used.</p>" in main
    assert "Sign in" not in main
    assert 'You are signed in as viewer. <a href="/">Go to the start page</a>' in main


def test_a_tampered_invitation_link_is_not_found(db, client):
    _invitation()
    response = client.get("/invitations/not-a-key-weave-made/")
    assert response.status_code == 404
    assert "not one Weave made" in _text(response)


def test_accepting_with_bad_details_changes_nothing(db, people, client):
    path = _invitation()
    for data, said in (
        ({"name": "A", "username": "ann", "password": "a long pass phrase",
          "password_again": "another long phrase"}, "The two passwords differ"),
        ({"name": "A", "username": "viewer", "password": "a long pass phrase",
          "password_again": "a long pass phrase"}, "Someone already has that username"),
        ({"name": "A", "username": "ann", "password": "123",
          "password_again": "123"}, "This password is too short"),
        ({"name": "A", "username": "a b", "password": "a long pass phrase",
          "password_again": "a long pass phrase"}, "Use letters, digits"),
    ):  # fmt: skip
        response = client.post(path, data)
        assert response.status_code == 400
        assert said in _text(response)
    assert not User.objects.filter(username="ann").exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_invitation_is_withdrawn(db, people, admin_client, client):
    path = _invitation()
    admin_client.post(reverse("invitation_withdraw", args=[Invitation.objects.get().pk]))
    assert client.get(path).status_code == 410
    assert AuditEntry.objects.filter(action=Audit.INVITATION_WITHDRAWN).exists()


def test_sign_ins_failures_and_token_use_are_in_the_audit_log(
    db, people, admin_client, client, settings
):
    client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    client.post(reverse("login"), {"username": "nobody", "password": "pw"})
    _token, key = ApiToken.issue(people["viewer"], "Intranet")
    settings.WEAVE_PUBLIC_READ = False  # a token is read only where one is needed
    Client().get("/api/mappings", headers={"Authorization": f"Bearer {key}"})
    log = _text(admin_client.get(reverse("people_log")))
    for said in ("Sign-in failed", "Signed in", "API token used", "Intranet"):
        assert said in log
    only_failures = admin_client.get(reverse("people_log"), {"action": "sign_in_failed"})
    assert "Signed in</td>" not in _text(only_failures)
    assert admin_client.get(reverse("people_log"), {"action": "nope"}).status_code == 400
    assert admin_client.get(reverse("people_log"), {"page": "x"}).status_code == 400
    past = admin_client.get(reverse("people_log"), {"page": "999"})
    assert past.status_code == 400 and "There is no page 999: the log has 1." in _text(past)
    # A person's entries include those from before they had an account (their invitation).
    Invitation.objects.issue("viewer@homes.example", "viewer", None, by=people["admin"])
    AuditEntry.objects.record(Audit.INVITED, by=people["admin"], subject="viewer@homes.example")
    people["viewer"].email = "Viewer@homes.example"
    people["viewer"].save()
    theirs = _text(admin_client.get(reverse("people_log"), {"person": "viewer"}))
    assert "Invited" in theirs and "viewer@homes.example" in theirs


def test_the_audit_log_keeps_the_days_the_site_keeps(db, people, settings):
    settings.WEAVE_AUDIT_DAYS = 30
    old = AuditEntry.objects.record(Audit.SIGNED_IN, by=people["viewer"])
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=31))
    AuditEntry.objects.record(Audit.SIGNED_IN, by=people["editor"])
    assert list(AuditEntry.objects.values_list("actor_name", flat=True)) == ["editor"]


def test_with_the_mail_server_down_the_invitation_stands_and_its_link_is_shown(
    db, people, admin_client, settings, caplog
):
    settings.EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    response = admin_client.post(
        reverse("people_invite"), {"email": "kim@example.org", "role": "viewer", "mapping": ""}
    )
    assert response.status_code == 200
    assert "Weave could not send email" in _text(response)
    assert Invitation.objects.filter(email="kim@example.org").exists()
    assert "Could not email the invitation to kim@example.org" in caplog.text


def test_with_the_identity_provider_alone_an_invitation_goes_straight_to_it(
    small, people, client, settings
):
    settings.WEAVE_OIDC_ISSUER = "https://login.example.org"
    settings.WEAVE_PASSWORD_LOGIN = False
    settings.WEAVE_OIDC_BUTTON = "Sign in with Example Homes"
    path = _invitation()
    page = _text(client.get(path))
    assert "Sign in with Example Homes" in page and 'name="password"' not in page
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("oidc_authentication_init")
    newcomer = User.objects.get(email="new@example.org")
    assert (newcomer.username, newcomer.has_usable_password()) == ("new", False)
    assert Membership.objects.get(user=newcomer).role == "viewer"
    assert client.get(path).status_code == 410  # used


def test_your_account_says_your_roles_and_where(small, people, as_role):
    """A role in one register is named with its register (it read "the no role role")."""
    nobody = as_role("nobody")
    assert "with no role: you read what the site shows" in _text(nobody.get(reverse("account")))
    Membership.objects.create(user=people["nobody"], mapping=small["mapping"], role="editor")
    said = _text(nobody.get(reverse("account")))
    assert f"with the editor role in {small['mapping'].name}." in said
    said = _text(as_role("publisher").get(reverse("account")))
    assert "with the publisher role for the whole site." in said


def test_the_people_page_costs_the_same_however_many_people(small, people, admin_client):
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(reverse("people")).status_code == 200
        return len(captured)

    before = queries()
    for n in range(8):
        someone = User.objects.create_user(f"extra{n}")
        Membership.objects.create(user=someone, mapping=small["mapping"], role="editor")
        Membership.objects.create(user=someone, mapping=None, role="viewer")
    assert queries() == before


def test_someone_invited_to_a_register_lands_in_it(small, people, client):
    from mapping.models import Mapping, Role

    other = Mapping.objects.create(
        name="Another", slug="another", organisation="Example Homes",
        source_framework=small["behaviours"], target_framework=small["standards"],
    )  # fmt: skip
    _invitation, key = Invitation.objects.issue("ana@example.org", Role.PUBLISHER, other,
                                                by=people["admin"])  # fmt: skip
    response = client.post(reverse("invitation_accept", args=[key]), {
        "name": "Ana", "username": "ana", "password": "a long pass phrase",
        "password_again": "a long pass phrase"})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/m/another/"
    assert "Publisher" in client.get(response["Location"]).content.decode()


def test_the_log_finds_a_person_whatever_the_case_of_their_name(db, people, admin_client):
    AuditEntry.objects.record(Audit.SIGNED_IN, subject="ålice")
    AuditEntry.objects.record(Audit.SIGNED_IN, subject="bob")
    for typed in ("ålice", "ÅLICE", "Ålice"):
        page = _text(admin_client.get(reverse("people_log"), {"person": typed}))
        assert "ålice" in page and ">bob<" not in page, typed


def test_a_lesser_role_in_a_register_than_site_wide_says_it_has_no_effect(
    small, people, admin_client
):
    editor = people["editor"]  # an editor site-wide
    url = reverse("person", args=[editor.pk])
    response = admin_client.post(url, {"role": "viewer", "mapping": small["mapping"].pk,
                                       "reason": "Read only here."}, follow=True)  # fmt: skip
    said = ("Their role site-wide (editor) counts in every register, Our ways to the "
            "standards too: this one has no effect while that stays.")  # fmt: skip
    assert said in _text(response)
    response = admin_client.post(url, {"role": "publisher", "mapping": small["mapping"].pk,
                                       "reason": "Leads it."}, follow=True)  # fmt: skip
    assert "has no effect" not in _text(response)


def test_the_admin_keeps_an_address_to_one_person_whatever_its_case(db, people, admin_client):
    people["viewer"].email = "bob.jones@homes.example"
    people["viewer"].save()
    Invitation.objects.issue("dave.p@homes.example", "viewer", None, by=people["admin"])
    editor = people["editor"]
    url = reverse("admin:auth_user_change", args=[editor.pk])
    form = {"username": "editor", "first_name": "", "last_name": "",
            "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0}  # fmt: skip
    for address, said in (("BOB.JONES@homes.example", "is already viewer&#x27;s address"),
                          ("dave.p@homes.example", "has an invitation waiting")):  # fmt: skip
        response = admin_client.post(url, form | {"email": address})
        assert response.status_code == 200 and said in _text(response)
        editor.refresh_from_db()
        assert editor.email != address
    assert admin_client.post(url, form | {"email": "ed@homes.example"}).status_code == 302
    editor.refresh_from_db()
    assert editor.email == "ed@homes.example"
    # Django's groups and permissions count for nothing in Weave: not offered.
    page = _text(admin_client.get(url))
    assert "User permissions" not in page and 'name="groups"' not in page


def test_where_a_role_is_chosen_it_says_reading_is_not_a_registers_to_give(
    db, people, admin_client
):
    for url in (reverse("people_invite"), reverse("person", args=[people["viewer"].pk])):
        assert "Anyone signed in reads every register, with or without a role" in _text(
            admin_client.get(url))  # fmt: skip


def test_several_people_are_invited_at_once_or_none_are(db, people, admin_client, settings):
    settings.EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    url = reverse("people_invite")
    people["viewer"].email = "vi@homes.example"
    people["viewer"].save()
    # A bad address, or one already in Weave: each named, and nobody is invited.
    for typed, said in (("ann@homes.example\nnot-an-address, bo@homes.example",
                         "“not-an-address” is not an email address"),
                        ("ann@homes.example; VI@homes.example",
                         "vi@homes.example already has an account")):  # fmt: skip
        response = admin_client.post(url, {"email": typed, "role": "viewer", "mapping": ""})
        assert response.status_code == 400 and said in _text(response)
        assert not Invitation.objects.exists() and not mail.outbox
    typed = "Ann@homes.example\nbo@homes.example, cy@homes.example;ann@homes.example\n"
    response = admin_client.post(url, {"email": typed, "role": "editor", "mapping": ""})
    assert response.status_code == 200
    assert "Invited 3 people as editor site-wide." in _text(response)
    assert "The links are on their way by email." in _text(response)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ann@homes.example", "bo@homes.example", "cy@homes.example"]  # fmt: skip
    assert AuditEntry.objects.filter(action=Audit.INVITED).count() == 3
    too_many = "\n".join(f"p{n}@homes.example" for n in range(201))
    response = admin_client.post(url, {"email": too_many, "role": "viewer", "mapping": ""})
    assert "invite up to 200 at once" in _text(response)


def test_without_email_each_of_several_links_is_shown_once(db, people, admin_client, settings):
    """Each link leads where the site is (WEAVE_SITE_URL), whatever host the administrator
    reached it by."""
    settings.WEAVE_SITE_URL = "https://weave.example.org"
    typed = {"email": "ann@homes.example bo@homes.example", "role": "viewer", "mapping": ""}
    response = admin_client.post(reverse("people_invite"), typed, headers={"Host": "localhost"})
    text = _text(response)
    assert "send them their links yourself. They are shown only this once." in text
    assert text.count('readonly value="https://weave.example.org/invitations/') == 2


def test_an_invitation_is_sent_again_with_a_new_link(db, people, admin_client, client):
    waiting, old_key = Invitation.objects.issue("ann@homes.example", "viewer", None,
                                                by=people["admin"])  # fmt: skip
    response = admin_client.post(reverse("invitation_again", args=[waiting.pk]))
    text = _text(response)
    assert "Sent the invitation to ann@homes.example again, with a new link" in text
    assert client.get(reverse("invitation_accept", args=[old_key])).status_code == 410
    new = Invitation.objects.pending().get()
    assert new.email == "ann@homes.example" and new.pk != waiting.pk
    # The audit log tells a second sending from the first.
    [entry] = AuditEntry.objects.filter(action=Audit.INVITED, subject="ann@homes.example")
    assert entry.detail == "Viewer site-wide. Sent again, with a new link (the old one no " \
        "longer works)."  # fmt: skip
    # One that ran out is listed on People, and can be sent again too.
    new.expires_at = timezone.now() - timedelta(days=2)
    new.save()
    page = _text(admin_client.get(reverse("people")))
    assert "Invitations that ran out" in page and "ann@homes.example" in page
    admin_client.post(reverse("invitation_again", args=[new.pk]))
    assert Invitation.objects.pending().get().email == "ann@homes.example"


def test_people_are_found_by_name_or_address_and_listed_a_page_at_a_time(db, people, admin_client):
    for n in range(60):
        User.objects.create_user(f"person{n:02}", f"p{n}@homes.example", first_name="Robin")
    url = reverse("people")
    page = _text(admin_client.get(url))
    assert "65 people: 1–50 shown" in page and "Page 1 of 2" in page
    html = admin_client.get(url).content.decode()
    assert '<span aria-current="page">Page 1 of 2</span>' in html
    assert 'rel="next">Next<span class="visually-hidden"> page</span>' in html
    assert "person59" not in page and "person59" in _text(admin_client.get(url, {"page": 2}))
    found = _text(admin_client.get(url, {"q": "P7@HOMES"}))
    assert "1 person found for “P7@HOMES”" in found and "person07" in found
    assert "Nobody found for “zebra”" in _text(admin_client.get(url, {"q": "zebra"}))
    for odd in ({"page": "x"}, {"page": "0"}, {"page": "99"}, {"q": "x" * 201}):
        assert admin_client.get(url, odd).status_code == 400, odd


def test_a_register_made_by_mistake_is_deleted_once_its_roles_are_taken_away(
    small, people, admin_client
):
    from mapping.models import Change, Link, Mapping

    mistake = Mapping.objects.create(
        name="Board governance", slug="board", organisation="Org",
        source_framework=small["behaviours"], target_framework=small["standards"],
    )  # fmt: skip
    noted = Change.objects.record(small["b1"], action=Change.Action.EDITED, before={}, by=None)
    Change.objects.filter(pk=noted.pk).update(mapping=mistake)  # history of its own
    Membership.objects.create(user=people["nobody"], mapping=mistake, role="editor")
    url = reverse("admin:mapping_mapping_delete", args=[mistake.pk])
    response = admin_client.get(url, follow=True)
    assert "Board governance cannot be deleted: 1 person holds a role in it." in _text(response)
    Membership.objects.filter(mapping=mistake).delete()
    assert "Are you sure" in _text(admin_client.get(url))
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Mapping.objects.filter(pk=mistake.pk).exists()
    assert not Change.objects.filter(mapping_id=mistake.pk).exists()
    # A register with links stays, and says why.
    kept = small["mapping"]
    Membership.objects.filter(mapping=kept).delete()
    assert Link.objects.filter(mapping=kept).exists()
    response = admin_client.get(reverse("admin:mapping_mapping_delete", args=[kept.pk]),
                                follow=True)  # fmt: skip
    assert "it has links or editions, which Weave keeps" in _text(response)


def test_an_invitation_sent_again_once_is_not_sent_again_twice(db, people, admin_client):
    waiting, _key = Invitation.objects.issue("ann@homes.example", "viewer", None,
                                             by=people["admin"])  # fmt: skip
    again = reverse("invitation_again", args=[waiting.pk])
    assert admin_client.post(again).status_code == 200
    response = admin_client.post(again, follow=True)  # a second press, or a page kept open
    assert "was withdrawn or sent again already" in _text(response)
    assert Invitation.objects.pending().filter(email="ann@homes.example").count() == 1


def test_an_address_invited_again_leaves_the_list_of_those_that_ran_out(db, people, admin_client):
    old, _key = Invitation.objects.issue("bo@homes.example", "viewer", None, by=None)
    older, _key = Invitation.objects.issue("cy@homes.example", "viewer", None, by=None)
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=2))
    Invitation.objects.filter(pk=older.pk).update(expires_at=timezone.now() - timedelta(days=9))
    page = _text(admin_client.get(reverse("people")))
    ran_out = page[page.index("Invitations that ran out") :]
    assert ran_out.index("bo@homes.example") < ran_out.index("cy@homes.example")  # newest first
    admin_client.post(reverse("people_invite"), {"email": "bo@homes.example", "role": "viewer",
                                                 "mapping": ""})  # fmt: skip
    page = _text(admin_client.get(reverse("people")))
    assert "bo@homes.example" not in page[page.index("Invitations that ran out") :]
    response = admin_client.post(reverse("invitation_again", args=[old.pk]), follow=True)
    assert "has a newer invitation waiting" in _text(response)
    assert Invitation.objects.pending().filter(email="bo@homes.example").count() == 1


def test_every_address_that_cannot_be_invited_is_named_at_once(db, people, admin_client):
    people["editor"].email = "ed@homes.example"
    people["editor"].save()
    Invitation.objects.issue("ann@homes.example", "viewer", None, by=None)
    typed = "ED@homes.example\nfoo\nann@homes.example\ngood@homes.example"
    text = _text(admin_client.post(reverse("people_invite"),
                                   {"email": typed, "role": "viewer", "mapping": ""}))  # fmt: skip
    for said in ("ed@homes.example already has an account", "“foo” is not an email address",
                 "ann@homes.example already has an invitation waiting"):  # fmt: skip
        assert said in text
    assert not Invitation.objects.filter(email="good@homes.example").exists()


def test_the_people_search_reads_quotes_as_typed_and_finds_invitations_too(
    db, people, admin_client
):
    User.objects.create_user("obrien", "o.brien@homes.example", last_name="O'Brien")
    Invitation.objects.issue("obi@homes.example", "viewer", None, by=None)
    Invitation.objects.issue("zed@homes.example", "viewer", None, by=None)
    for typed in ("O’Brien", "“O'Brien”"):
        assert "obrien" in _text(admin_client.get(reverse("people"), {"q": typed})), typed
    # A whole name, as people say it, finds them; a name that is not theirs does not.
    User.objects.create_user("ahughes", "a.h@homes.example", first_name="Amelia",
                             last_name="Hughes")  # fmt: skip
    assert "ahughes" in _text(admin_client.get(reverse("people"), {"q": "Amelia Hughes"}))
    assert "ahughes" not in _text(admin_client.get(reverse("people"), {"q": "Amelia Brien"}))
    page = _text(admin_client.get(reverse("people"), {"q": "obi"}))
    waiting = page[page.index("Invitations waiting") :]
    assert "obi@homes.example" in waiting and "zed@homes.example" not in waiting


def test_taking_away_a_register_role_under_a_site_wide_one_says_no_more(
    small, people, admin_client
):
    Membership.objects.create(user=people["editor"], mapping=small["mapping"], role="viewer")
    response = admin_client.post(
        reverse("person", args=[people["editor"].pk]),
        {"role": "none", "mapping": small["mapping"].pk, "reason": "Tidying."}, follow=True,
    )  # fmt: skip
    assert "editor now has no role in Our ways to the standards." in _text(response)
    assert "has no effect while that stays" not in _text(response)


def test_registers_are_not_deleted_in_bulk_in_the_admin(small, admin_client):
    page = _text(admin_client.get(reverse("admin:mapping_mapping_changelist")))
    assert "delete_selected" not in page
    assert admin_client.get("/admin/auth/group/").status_code == 404


def test_the_only_administrators_roles_are_not_offered_for_change(db, people, admin_client):
    page = _text(admin_client.get(reverse("person", args=[people["admin"].pk])))
    assert "You are the site's only active administrator, so this role cannot be changed" \
        in page  # fmt: skip
    assert "Change the role</button>" not in page
    User.objects.create_superuser("second")
    assert "Change the role</button>" in _text(
        admin_client.get(reverse("person", args=[people["admin"].pk]))
    )


def test_addresses_pasted_from_an_address_book_are_read_with_their_names(db, people,
                                                                         admin_client):  # fmt: skip
    """Outlook and Excel copy "Name <address>; Name <address>": each is that address."""
    pasted = ('Jane Smith <Jane.Smith@homes.example>; "Jones, Bob" <bob.jones@homes.example>\n'
              "ann@homes.example Erin Fox <erin@homes.example> Finn Lee <finn@homes.example>; "
              "Hughes, Amelia <amelia@homes.example>")  # fmt: skip
    response = admin_client.post(reverse("people_invite"),
                                 {"email": pasted, "role": "viewer", "mapping": ""})  # fmt: skip
    assert response.status_code == 200, _text(response)
    assert set(Invitation.objects.values_list("email", flat=True)) == {
        "jane.smith@homes.example", "bob.jones@homes.example", "ann@homes.example",
        "erin@homes.example", "finn@homes.example", "amelia@homes.example"}  # fmt: skip


def test_a_batch_of_invitations_goes_over_one_connection(db, people, admin_client, settings):
    """150 invitations are one conversation with the mail server, not 150 (each of which
    would wait its own time-out while the server is down)."""
    sessions, messages = set(), []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # aiosmtpd's name for it
            sessions.add(id(session))
            messages.append(envelope.rcpt_tos)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_ENABLED = True
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        typed = " ".join(f"p{n}@homes.example" for n in range(3))
        response = admin_client.post(reverse("people_invite"),
                                     {"email": typed, "role": "viewer", "mapping": ""})  # fmt: skip
    finally:
        controller.stop()
    assert "The links are on their way by email." in _text(response)
    assert sorted(messages) == [[f"p{n}@homes.example"] for n in range(3)]
    assert len(sessions) == 1
