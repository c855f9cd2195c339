"""Every way a password is set is in the people log, saying who set it: the person on
their own page, the person with a reset link, or an administrator in the admin."""

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mapping.models.people import AuditEntry
from mapping.urls import password_resets
from mapping.urls import urlpatterns as site_urls

# The site offers reset links only where it can send email (mapping/urls.py): here they are
# added to the site's own addresses, as with EMAIL_URL set.
urlpatterns = [*password_resets, *site_urls]
NEW = "a-new-long-password-42"


@pytest.fixture
def sam(db):
    return User.objects.create_user("sam", "sam@example.org", password="the-old-password-1")


@pytest.fixture
def admin(db):
    return User.objects.create_superuser("ada", "ada@example.org", password="x")


def _set(entry: AuditEntry) -> tuple:
    return entry.actor_name, entry.person.username, entry.detail


@pytest.mark.parametrize(("old", "changed"), [("the-old-password-1", True), ("wrong", False)])
def test_changing_ones_own_password_is_logged_and_a_refused_change_is_not(sam, old, changed):
    client = Client()
    client.force_login(sam)
    response = client.post(reverse("password_change"), {
        "old_password": old, "new_password1": NEW, "new_password2": NEW,
    })  # fmt: skip
    assert response.status_code == (302 if changed else 200)
    sam.refresh_from_db()
    assert sam.check_password(NEW) == changed
    logged = AuditEntry.objects.filter(action="password_set")
    assert [_set(entry) for entry in logged] == (
        [("sam", "sam", "Changed by themselves.")] if changed else []
    )


@override_settings(ROOT_URLCONF=__name__)
def test_a_password_set_with_a_reset_link_is_logged(sam):
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(sam.pk))
    token = default_token_generator.make_token(sam)
    form_page = client.get(f"/accounts/reset/{uid}/{token}/")  # swaps the token for a session
    assert form_page.status_code == 302
    # Two that differ: the first box, where typing starts again, says so.
    differ = client.post(form_page["Location"], {"new_password1": NEW, "new_password2": "x"})
    html = differ.content.decode()
    assert differ.status_code == 200
    assert html.index("type the new password in both boxes again") < html.index(
        'name="new_password2"')  # fmt: skip
    response = client.post(form_page["Location"], {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    sam.refresh_from_db()
    assert sam.check_password(NEW)
    entry = AuditEntry.objects.get(action="password_set")
    assert _set(entry) == ("sam", "sam", "With a reset link sent by email.")


def test_a_password_set_in_the_admin_is_logged_with_who_set_it(sam, admin):
    client = Client()
    client.force_login(admin)
    url = f"/admin/auth/user/{sam.pk}/password/"
    response = client.post(url, {"password1": NEW, "password2": NEW, "usable_password": "true"})
    assert response.status_code == 302
    sam.refresh_from_db()
    assert sam.check_password(NEW)
    entry = AuditEntry.objects.get(action="password_set")
    assert _set(entry) == ("ada", "sam", "Set by an administrator in the admin.")
    log = client.get(reverse("people_log")).content.decode()
    assert "Password set" in log and "Set by an administrator in the admin." in log


def test_an_email_corrected_in_the_admin_is_logged_with_what_it_was(sam, admin):
    """Where reset links go is worth a line in the people log."""
    client = Client()
    client.force_login(admin)
    page = client.get(f"/admin/auth/user/{sam.pk}/change/")
    assert page.status_code == 200
    response = client.post(f"/admin/auth/user/{sam.pk}/change/", {
        "username": "sam", "first_name": "", "last_name": "", "email": "sam@elsewhere.example",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="details_changed")
    said = "In the admin. email: sam@example.org → sam@elsewhere.example."
    assert _set(entry) == ("ada", "sam", said)


def test_switching_password_sign_in_off_in_the_admin_is_logged(sam, admin):
    client = Client()
    client.force_login(admin)
    response = client.post(f"/admin/auth/user/{sam.pk}/password/",
                           {"usable_password": "false", "unset-password": "1"})  # fmt: skip
    assert response.status_code == 302
    sam.refresh_from_db()
    assert not sam.has_usable_password()
    entry = AuditEntry.objects.get(action="password_set")
    assert entry.detail == "Password sign-in switched off by an administrator in the admin."


def test_a_refused_admin_form_logs_nothing(sam, admin):
    client = Client()
    client.force_login(admin)
    different = {"password1": NEW, "password2": "different", "usable_password": "true"}
    response = client.post(f"/admin/auth/user/{sam.pk}/password/", different)
    assert response.status_code == 200
    assert not AuditEntry.objects.filter(action="password_set").exists()


@override_settings(ROOT_URLCONF=__name__, PASSWORD_RESET_TIMEOUT=3 * 86400)
def test_the_reset_email_is_weaves_own(sam):
    """Its link leads where the site is (WEAVE_SITE_URL), whatever host the request named.
    (override_settings, not pytest-django's settings fixture: that one, undone after this
    module's urls mark, leaves the mark's addresses to the tests after it.)"""
    with override_settings(WEAVE_SITE_URL="https://weave.example.org"):
        response = Client().post("/accounts/password_reset/", {"email": "SAM@example.org"},
                                 headers={"Host": "localhost"})  # fmt: skip
    assert response.status_code == 302
    (sent,) = mail.outbox
    assert sent.subject == "Set a new password for Weave"
    assert sent.body.startswith("Hello sam,")
    assert "It works once, for 3 days:" in sent.body
    assert "your Weave account at https://weave.example.org/." in sent.body
    assert "https://weave.example.org/accounts/reset/" in sent.body
    assert "localhost" not in sent.body
    assert "Your username is sam." in sent.body
    assert "Thanks for using our site" not in sent.body


@override_settings(ROOT_URLCONF=__name__,
                   TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})  # fmt: skip
def test_a_reset_is_made_and_sent_by_the_worker_whatever_address_is_typed(sam):
    """Sent in the request, the email made an address with an account seconds slower to
    answer (a slow mail server): now every address typed is handed to the worker alike,
    and only the address is queued, never a reset link."""
    from django_tasks_db.models import DBTaskResult

    from mapping.tasks import send_password_reset

    for typed in ("SAM@example.org", "nobody@example.org"):
        response = Client().post("/accounts/password_reset/", {"email": typed})
        assert response.status_code == 302
    assert mail.outbox == []
    queued = DBTaskResult.objects.filter(task_path="mapping.tasks.send_password_reset")
    assert [task.args_kwargs["args"] for task in queued.order_by("enqueued_at")] == [
        ["SAM@example.org"], ["nobody@example.org"]]  # fmt: skip
    assert "/accounts/reset/" not in str([task.args_kwargs for task in queued])
    for task in queued:
        send_password_reset.call(*task.args_kwargs["args"])  # what the worker does
    (sent,) = mail.outbox
    assert sent.to == ["sam@example.org"] and "/accounts/reset/" in sent.body
