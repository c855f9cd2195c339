"""Two people doing at the same moment what only one may: two administrators removing each
other (one goes, the other is refused as the site's last); two registers made the site's
default (the site keeps one); a suggestion accepted and dismissed (one or the other). On
PostgreSQL, where two transactions run at once; SQLite runs Weave's writes one at a time
(BEGIN IMMEDIATE), and its in-memory test database cannot hold two connections'
transactions side by side."""

import threading
import time

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection

from mapping.access import people as operations
from mapping.models import Invitation, Mapping, ReviewedGap
from mapping.models.inference import ReviewedPair
from mapping.models.suggestions import accept, dismiss
from mapping.register import LiveRegister
from mapping.suggesting.listing import lexical


def _at_once(*calls) -> list[Exception]:
    """Run each call in a thread of its own, all let go together; what each raised."""
    start, raised = threading.Barrier(len(calls)), []

    def run(call):
        try:
            start.wait()
            call()
        except Exception as error:  # what it raised is the test's to judge
            raised.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=[call]) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return raised


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["demote", "deactivate"])
def test_two_administrators_removing_each_other_at_once_leave_one(how):
    if connection.vendor != "postgresql":
        pytest.skip("two transactions at once need PostgreSQL (SQLite writes one at a time)")
    first, second = User.objects.create_superuser("first"), User.objects.create_superuser("second")

    def remove(person, by):
        if how == "demote":
            return lambda: operations.change_role(person, "publisher", None, by=by, reason="Race.")
        return lambda: operations.set_active(person, False, by=by, reason="Race.")

    raised = _at_once(remove(first, second), remove(second, first))
    assert len(raised) == 1 and isinstance(raised[0], ValidationError)
    assert "the site's only active administrator" in str(raised[0])
    assert User.objects.filter(is_superuser=True, is_active=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_registers_made_the_default_at_once_leave_one_default(small):
    if connection.vendor != "postgresql":
        pytest.skip("two transactions at once need PostgreSQL (SQLite writes one at a time)")
    other = Mapping.objects.create(
        name="Another", slug="another", source_framework=small["behaviours"],
        target_framework=small["standards"],
    )  # fmt: skip
    third = Mapping.objects.create(
        name="A third", slug="third", source_framework=small["behaviours"],
        target_framework=small["standards"],
    )  # fmt: skip
    assert _at_once(other.make_default, third.make_default) == []
    assert Mapping.objects.filter(is_default=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_suggestion_accepted_and_dismissed_at_once_is_one_or_the_other(demo, people):
    if connection.vendor != "postgresql":
        pytest.skip("two transactions at once need PostgreSQL (SQLite writes one at a time)")
    cc = Mapping.objects.with_frameworks().get(slug="example-homes-cc")
    first = lexical(LiveRegister(cc))[0]
    raised = _at_once(
        lambda: accept(
            cc, first, by=people["publisher"], relation="supports", rationale="Shares its words."
        ),
        lambda: dismiss(cc, first.source, first.target, by=people["editor"], reason="No."),
    )
    assert len(raised) == 1 and isinstance(raised[0], ValidationError)
    linked = cc.links.filter(source=first.source, target=first.target).exists()
    dismissed = ReviewedPair.objects.filter(mapping=cc, source=first.source,
                                            target=first.target).exists()  # fmt: skip
    assert linked != dismissed


@pytest.mark.django_db(transaction=True)
def test_a_gap_left_unlinked_by_two_people_at_once_is_recorded_once(small, people):
    if connection.vendor != "postgresql":
        pytest.skip("two transactions at once need PostgreSQL (SQLite writes one at a time)")
    mapping, element = small["mapping"], small["standards"].elements.get(code="S2")
    mapping.links.filter(target=element).delete()
    raised = _at_once(
        lambda: mapping.leave_unlinked(element, reason="Not ours.", by=people["editor"]),
        lambda: mapping.leave_unlinked(element, reason="Out of scope.", by=people["publisher"]),
    )
    assert raised == []  # the second waits, finds the first's decision and replaces it
    assert ReviewedGap.objects.filter(mapping=mapping, element=element).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_address_invited_twice_at_once_is_invited_once(db, people, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("two transactions at once need PostgreSQL (SQLite writes one at a time)")
    checked = operations.why_not_invite

    def slowly(emails):  # both would find the address free, were they not taking turns
        found = checked(emails)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(operations, "why_not_invite", slowly)
    raised = _at_once(*[
        lambda: operations.invite(["twice@example.org"], "viewer", None, by=people["admin"])
        for _ in range(2)
    ])  # fmt: skip
    assert len(raised) == 1 and isinstance(raised[0], ValidationError)
    assert Invitation.objects.pending().filter(email="twice@example.org").count() == 1
