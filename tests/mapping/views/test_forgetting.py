"""Erasing the personal details of someone who has left: what identifies them goes, what
they did stays under a name that says nobody, and only an administrator does it, to an
account already deactivated, with a reason and their username typed out."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mapping.models import ApiToken, Audit, AuditEntry, Invitation, Mapping, Membership
from mapping.models.notices import Notice, Preferences, Watch


@pytest.fixture
def admin_client(people):
    client = Client()
    client.force_login(people["admin"])
    return client


@pytest.fixture
def leaver(small, people, admin_client):
    """The editor, who made a change, has a token, a watch, an accepted invitation, failed
    sign-ins and entries in the audit log; then left, and was deactivated."""
    editor = people["editor"]
    editor.first_name, editor.last_name, editor.email = "Amelia", "Hughes", "amelia@homes.example"
    editor.save()
    link = small["mapping"].links.first()
    link.edit(by=editor, revision=link.revision, rationale="In their own words.")
    ApiToken.issue(editor, "Intranet")
    Watch.objects.create(user=editor, mapping=small["mapping"], digest=True)
    Preferences.objects.create(user=editor, proposals=False)
    invitation, _key = Invitation.objects.issue("amelia@homes.example", "editor", None,
                                                by=people["admin"])  # fmt: skip
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now(),
                                                       accepted_by=editor)  # fmt: skip
    AccessAttempt.objects.create(username="editor", ip_address="192.0.2.9", user_agent="x",
                                 failures_since_start=2)  # fmt: skip
    AuditEntry.objects.create(action=Audit.SIGNED_IN, actor=editor, actor_name="editor",
                              person=editor, subject="editor", address="192.0.2.9")  # fmt: skip
    AuditEntry.objects.create(
        action=Audit.DETAILS_CHANGED, actor=people["admin"], actor_name="admin", person=editor,
        subject="editor", detail="email: amelia@old.example → amelia@homes.example.",
    )  # fmt: skip
    AuditEntry.objects.create(action=Audit.INVITED, actor=people["admin"], actor_name="admin",
                              subject="amelia@homes.example",
                              detail="Invited amelia@homes.example as editor.")  # fmt: skip
    # Failed sign-ins are logged with the name typed, in any case, and no person.
    for typed in ("Editor", "AMELIA@homes.example"):
        AuditEntry.objects.create(action=Audit.SIGN_IN_FAILED, subject=typed,
                                  address="198.51.100.7")  # fmt: skip
    # An invitation to their address that ran out, which People would offer to send again.
    Invitation.objects.filter(pk=Invitation.objects.issue(
        "amelia@homes.example", "viewer", None, by=people["admin"])[0].pk
    ).update(expires_at=timezone.now() - timezone.timedelta(days=1))  # fmt: skip
    # A digest still to be emailed to someone else, naming what she did.
    said = [["B1.1 → S1.1 edited, by Amelia Hughes", "/links/1/"]]
    Notice.objects.create(user=people["publisher"], kind=Notice.Kind.DIGEST, items=said)
    admin_client.post(reverse("person", args=[editor.pk]), {"active": "false", "reason": "Left."})
    editor.refresh_from_db()
    assert not editor.is_active
    return editor


def test_forgetting_erases_what_identifies_them_and_keeps_what_they_did(
    small, people, admin_client, leaver
):
    history = admin_client.get(reverse("changes")).content.decode()
    assert "by <bdi>Amelia Hughes</bdi>" in history
    dated = Mapping.objects.get(pk=small["mapping"].pk).updated_at
    page = admin_client.get(reverse("person_forget", args=[leaver.pk])).content.decode()
    assert "What goes" in page and f"“Former colleague {leaver.pk}”" in page
    response = admin_client.post(reverse("person_forget", args=[leaver.pk]),
                                 {"reason": "Asked to be forgotten.", "username": "editor"},
                                 follow=True)  # fmt: skip
    said = "The personal details of editor are erased: what they did is kept, as done by"
    assert f"{said} “Former colleague {leaver.pk}”." in response.content.decode()

    leaver.refresh_from_db()
    assert (leaver.username, leaver.get_full_name(), leaver.email) == (
        f"former-{leaver.pk}", f"Former colleague {leaver.pk}", "")  # fmt: skip
    assert not leaver.has_usable_password() and not leaver.is_active
    for model in (ApiToken, Membership, Watch, Preferences):
        assert not model.objects.filter(user=leaver).exists(), model
    assert not AccessAttempt.objects.filter(username__iexact="editor").exists()
    assert not Invitation.objects.filter(email__iexact="amelia@homes.example").exists()
    assert Invitation.objects.filter(accepted_by=leaver, email="").exists()
    people_page = admin_client.get(reverse("people")).content.decode()
    assert "Send again to ," not in people_page
    [notice] = Notice.objects.filter(user=people["publisher"], sent_at__isnull=True)
    assert notice.items == [[f"B1.1 → S1.1 edited, by Former colleague {leaver.pk}", "/links/1/"]]
    # The audit log keeps what was done, without where from or their names.
    entries = AuditEntry.objects.exclude(action=Audit.FORGOTTEN)
    assert set(entries.exclude(address="").values_list("actor_name", flat=True)) <= {"admin"}
    failed = entries.filter(action=Audit.SIGN_IN_FAILED)
    assert sorted(failed.values_list("subject", "address")) == [(f"former-{leaver.pk}", "")] * 2
    written = " ".join(f"{e.actor_name} {e.subject} {e.detail}" for e in entries)
    for detail in ("amelia@", "Amelia", "Hughes", " editor "):
        assert detail not in f" {written} ", detail
    assert f"Invited former-{leaver.pk} as editor." in written
    forgotten = AuditEntry.objects.get(action=Audit.FORGOTTEN)
    assert (forgotten.actor, forgotten.person, forgotten.detail) == (
        people["admin"], leaver, "Reason: Asked to be forgotten.")  # fmt: skip
    # What they did stays, under the name that says nobody; kept pages say so at once.
    history = admin_client.get(reverse("changes")).content.decode()
    assert f"by <bdi>Former colleague {leaver.pk}</bdi>" in history and "Amelia" not in history
    assert "In their own words." in history
    # What the register's answers say of her changed: the API's Last-Modified moves.
    assert Mapping.objects.get(pk=small["mapping"].pk).updated_at > dated
    person = admin_client.get(reverse("person", args=[leaver.pk])).content.decode()
    assert "Deactivated, and their personal details erased" in person
    assert reverse("person_forget", args=[leaver.pk]) not in person


def test_the_username_must_be_typed_and_a_reason_given(admin_client, leaver):
    url = reverse("person_forget", args=[leaver.pk])
    refused = admin_client.post(url, {"reason": "", "username": "Editor"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "That is not their username: type “editor”." in page
    assert "Say why: it is kept in the audit log." in page
    leaver.refresh_from_db()
    assert leaver.username == "editor" and leaver.email == "amelia@homes.example"
    assert not AuditEntry.objects.filter(action=Audit.FORGOTTEN).exists()


def test_only_a_deactivated_account_is_forgotten_and_only_by_an_administrator(
    small, people, admin_client, as_role
):
    viewer = people["viewer"]
    url = reverse("person_forget", args=[viewer.pk])
    page = admin_client.get(url).content.decode()
    assert "can still sign in" in page and "Erase their details</button>" not in page
    refused = admin_client.post(url, {"reason": "Left.", "username": "viewer"})
    assert refused.status_code == 400
    assert "Deactivate the account first" in refused.content.decode()
    assert as_role("publisher").post(url, {"reason": "x", "username": "viewer"}).status_code == 403
    assert Client().post(url, {"reason": "x", "username": "viewer"}).status_code == 302
    viewer.refresh_from_db()
    assert viewer.username == "viewer" and viewer.is_active


def test_a_forgotten_account_is_not_reactivated(admin_client, leaver):
    admin_client.post(reverse("person_forget", args=[leaver.pk]),
                      {"reason": "Asked.", "username": "editor"})  # fmt: skip
    url = reverse("person", args=[leaver.pk])
    refused = admin_client.post(url, {"active": "true", "reason": "Back."})
    assert refused.status_code == 400
    assert "Their personal details were erased: the account stays closed." in (
        refused.content.decode())  # fmt: skip
    assert not User.objects.get(pk=leaver.pk).is_active
    again = admin_client.get(reverse("person_forget", args=[leaver.pk]), follow=True)
    assert "Their personal details were erased already." in again.content.decode()
