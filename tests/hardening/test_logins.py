"""Guessing passwords: each failure is logged; after the second in a row they are answered
more slowly; after five the account is locked out from that address with a clear message,
whatever password comes next, until the lockout ends or an administrator lifts it. An
address alone is locked only after many more failures, so that one person guessing does
not lock out a whole office behind one address."""

import io
import logging
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from mapping.models.people import AuditEntry


@pytest.fixture
def person(db):
    return User.objects.create_user("sam", password="the-right-password-1")


def _flat(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _try(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)  # fmt: skip


def test_five_failures_lock_the_account_out(person, caplog, settings):
    client = Client()
    with caplog.at_level(logging.WARNING):
        for attempt in range(1, 5):
            response = _try(client, "sam", f"wrong-{attempt}")
            assert response.status_code == 200
            assert "That username (or email address) and password do not match" in \
                response.content.decode()  # fmt: skip
        locked = _try(client, "sam", "wrong-5")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Too many failed logins" in html and "15 minutes" in html
    # Even the right password is refused while it lasts.
    assert _try(client, "sam", "the-right-password-1").status_code == 429
    failures = [r.getMessage() for r in caplog.records if r.name == "weave.logins"]
    assert failures[0] == "Failed login for 'sam' from 10.0.0.1 (1 in a row)."
    assert failures[4].endswith("(5 in a row).")


def test_one_person_cannot_lock_out_a_whole_office_behind_one_address(person, settings):
    settings.WEAVE_LOGIN_ADDRESS_LIMIT = 12
    office = "10.0.0.9"
    for attempt in range(5):
        _try(Client(), "sam", f"wrong-{attempt}", address=office)
    # sam is locked out from the office; a colleague there is not, nor sam elsewhere.
    assert _try(Client(), "sam", "the-right-password-1", address=office).status_code == 429
    colleague = User.objects.create_user("kim", password="kims-right-password-1")
    assert _try(Client(), "kim", "kims-right-password-1", address=office).status_code == 302
    assert _try(Client(), "sam", "the-right-password-1", address="10.0.0.2").status_code == 302
    # Guessing many accounts from one address locks the address, at the higher count.
    for number in range(7):
        _try(Client(), f"someone-{number}", "guess", address=office)
    locked = _try(Client(), colleague.username, "kims-right-password-1", address=office)
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert _try(Client(), "kim", "kims-right-password-1", address="10.0.0.3").status_code == 302


def test_an_administrator_can_lift_a_lockout(person, as_role):
    client = Client()
    for attempt in range(5):
        _try(client, "sam", f"wrong-{attempt}")
    assert _try(client, "sam", "the-right-password-1").status_code == 429
    attempt = AccessAttempt.objects.get(username="sam")
    admin = as_role("admin")
    assert admin.get("/admin/axes/accessattempt/").status_code == 200
    admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert _try(client, "sam", "the-right-password-1").status_code == 302


def test_the_persons_page_says_they_are_locked_out_and_unlocks_them(person, as_role):
    """People shows a lockout where the administrator looks for the person, with a button
    that lifts it (in the audit log); the locked-out page says who can, and offers a reset."""
    client = Client()
    for attempt in range(5):
        locked = _try(client, "SAM", f"wrong-{attempt}", address="10.0.0.7")
    assert "on its page under People" in locked.content.decode()
    admin, page = as_role("admin"), reverse("person", args=[person.pk])
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", admin.get(page).content.decode()))
    assert "Locked out of signing in after failed attempts in a row (5, counting any made " \
        "while locked out), from 10.0.0.7" in text  # fmt: skip
    assert "Active, but locked out of signing in for now" in text
    assert "Active, locked out of signing in" in _flat(admin.get(reverse("people")))
    assert "It lifts by itself 15 minutes after the last failure." in text
    response = admin.post(reverse("person_unlock", args=[person.pk]), follow=True)
    assert "sam may sign in again." in response.content.decode()
    assert "Locked out of signing in" not in response.content.decode()
    assert AuditEntry.objects.get(action="unlocked", person=person).actor_name == "admin"
    assert _try(client, "sam", "the-right-password-1", address="10.0.0.7").status_code == 302
    assert as_role("editor").post(reverse("person_unlock", args=[person.pk])).status_code == 403


def test_a_success_resets_the_count(person):
    client = Client()
    for attempt in range(4):
        _try(client, "sam", f"wrong-{attempt}")
    assert _try(client, "sam", "the-right-password-1").status_code == 302
    client.logout()
    for attempt in range(4):
        assert _try(client, "sam", f"wrong-again-{attempt}").status_code == 200


def test_the_audit_log_says_a_password_sign_in_was_with_a_password(person):
    assert _try(Client(), "sam", "the-right-password-1").status_code == 302
    entry = AuditEntry.objects.get(action="signed_in", person=person)
    assert entry.detail == "With a password."


def test_a_refused_login_points_both_fields_at_why_and_starts_at_the_password(person):
    html = _try(Client(), "sam", "wrong").content.decode()
    assert 'id="login-error"' in html
    fields = re.findall(r'<input[^>]+name="(?:username|password)"[^>]*>', html)
    assert len(fields) == 2
    assert all('aria-describedby="login-error"' in f and 'aria-invalid="true"' in f
               for f in fields)  # fmt: skip
    assert ["autofocus" in f for f in fields] == [False, True]


@pytest.mark.parametrize(("proxies", "forwarded", "seen"), [
    (0, "203.0.113.9", "10.0.0.1"),  # no proxy of ours: the header is anyone's say-so
    (1, "203.0.113.9", "203.0.113.9"),
    (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # the left one was made up
    (2, "203.0.113.9, 10.0.0.5", "203.0.113.9"),
    (2, "10.0.0.5", "10.0.0.1"),  # did not come through both: not trusted
    (1, "not-an-address", "10.0.0.1"),
])  # fmt: skip
def test_behind_the_sites_proxies_the_visitor_is_who_they_saw(
    person, settings, caplog, proxies, forwarded, seen
):
    settings.WEAVE_PROXY_COUNT = proxies
    with caplog.at_level(logging.WARNING):
        Client().post(reverse("login"), {"username": "sam", "password": "wrong"},
                      REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)  # fmt: skip
    assert AccessAttempt.objects.get(username="sam").ip_address == seen
    assert AuditEntry.objects.get(action="sign_in_failed").address == seen
    assert f"Failed login for 'sam' from {seen} (1 in a row)." in caplog.messages


def test_behind_a_proxy_guessing_from_many_addresses_locks_out_only_those(person, settings):
    """Every request reaches the site from its proxy's address: the lockouts are by the
    visitor's, so one outsider's guessing locks nobody else out; and `axes_reset` lifts
    the address's lockout as it lifts an account's."""
    settings.WEAVE_PROXY_COUNT, settings.WEAVE_LOGIN_ADDRESS_LIMIT = 1, 12

    def through_proxy(username: str, password: str, visitor: str):
        return Client().post(reverse("login"), {"username": username, "password": password},
                             REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=visitor)  # fmt: skip

    for number in range(12):
        through_proxy(f"nobody-{number}", "guess", f"198.51.100.{number + 1}")
    assert through_proxy("sam", "the-right-password-1", "192.0.2.77").status_code == 302
    for number in range(12):
        through_proxy(f"nobody-{number}", "guess", "198.51.100.200")
    assert through_proxy("sam", "the-right-password-1", "198.51.100.200").status_code == 429
    call_command("axes_reset", stdout=io.StringIO())
    assert through_proxy("sam", "the-right-password-1", "198.51.100.200").status_code == 302


def test_a_username_in_any_case_or_the_email_address_signs_in(person):
    person.email = "Sam@Example.org"
    person.save()
    for typed in ("SAM", "Sam", "sam@example.org"):
        client = Client()
        assert _try(client, typed, "the-right-password-1").status_code == 302, typed
        assert client.get("/").wsgi_request.user == person


def test_every_way_of_typing_one_account_shares_its_five_tries(person):
    """ "SAM", "Sam" and the email address are one account to the lockout as to the sign-in:
    nobody gets five more guesses by typing the name another way."""
    person.email = "sam@example.org"
    person.save()
    client = Client()
    for typed in ("sam", "SAM", "Sam", "sam@example.org", "sAm"):
        _try(client, typed, "wrong")
    assert _try(client, "sam", "the-right-password-1").status_code == 429
