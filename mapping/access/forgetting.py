"""Forgetting someone who has left, when they ask for their personal details to be erased
(or the organisation's retention rules say so). What identifies them goes: their name,
username, email address and password, their API tokens, roles, watches and emails waiting
to be sent, their sign-in attempts, and the network addresses the audit log kept of them.
What they did stays, as the history must: every change, decision and audit entry is kept
under a name that no longer says who, "Former colleague 12". Only an administrator does it,
only to an account already deactivated, with a reason, in one transaction; it cannot be
undone. Editions are published records and keep the names they were published with;
backups made before keep the details until they are deleted."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mapping.caching.versioning import DEFAULT, bump
from mapping.models import ApiToken, Change, Mapping, Membership, ReviewedGap
from mapping.models.notices import Notice, Preferences, Watch
from mapping.models.people import Audit, AuditEntry, Invitation

FORMER = "Former colleague"
SCRUBBED = "(what this said of them was removed when they were forgotten)"


def is_forgotten(person) -> bool:
    return person.get_username() == forgotten_username(person)


def forgotten_username(person) -> str:
    return f"former-{person.pk}"


@transaction.atomic
def forget(person, *, by, reason: str, request=None) -> str:
    """Erase what identifies person (see the module's docstring); returns the username
    they had, for the administrator to be told."""
    person = get_user_model().objects.select_for_update().get(pk=person.pk)
    if person.is_active:
        raise ValidationError("Deactivate the account first: only someone who can no longer "
                              "sign in is forgotten.")  # fmt: skip
    if is_forgotten(person):
        raise ValidationError("They have been forgotten already: nothing changed.")
    username, email, full_name = person.get_username(), person.email, person.get_full_name()
    person.username = forgotten_username(person)
    person.first_name, person.last_name, person.email = FORMER, str(person.pk), ""
    person.is_staff = person.is_superuser = False
    person.set_unusable_password()
    person.save()
    for model in (ApiToken, Membership, Watch, Preferences, Notice):
        model.objects.filter(user=person).delete()
    _forget_invitations(person, email)
    _forget_sign_ins(username)
    _forget_in_the_audit_log(person, username, email)
    _forget_in_waiting_emails(person, [full_name, username])
    AuditEntry.objects.record(Audit.FORGOTTEN, by=by, person=person,
                              detail=f"Reason: {reason}", request=request)  # fmt: skip
    renamed(person)
    return username


def renamed(person) -> None:
    """The registers whose answers name person (their changes, their gap decisions) have
    changed with their name: the API's Last-Modified moves, and every live page is made
    again (forgotten, or a name corrected in the admin)."""
    named = Change.objects.filter(user=person).values("mapping")
    decided = ReviewedGap.objects.filter(decided_by=person).values("mapping")
    Mapping.objects.filter(Q(pk__in=named) | Q(pk__in=decided)).update(updated_at=timezone.now())
    slugs = set(Mapping.objects.values_list("slug", flat=True))
    transaction.on_commit(lambda: bump({*slugs, DEFAULT}))


def _forget_invitations(person, email: str) -> None:
    """The one they accepted stays, without its address; any other to their address (one
    waiting, or one that ran out and would be offered to send again) goes."""
    if email:
        Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True).delete()
    Invitation.objects.filter(Q(accepted_by=person) | Q(email__iexact=email or None)).update(
        email="")  # fmt: skip


def _forget_in_waiting_emails(person, names: list[str]) -> None:
    """What others are still to be emailed (a digest, proposals) says "by <their name>" as
    they were named (mapping/notifying/queue.py): it says the name that says nobody."""
    said = [(f"by {name}", f"by {person.get_full_name()}") for name in names if name]
    for notice in Notice.objects.filter(sent_at__isnull=True):
        items = [
            [_said_instead(item[0], said), *item[1:]] if isinstance(item, list) and item
            and isinstance(item[0], str) else item
            for item in notice.items
        ]  # fmt: skip
        if items != notice.items:
            notice.items = items
            notice.save(update_fields=["items"])


def _said_instead(text: str, said: list[tuple[str, str]]) -> str:
    for old, new in said:
        text = text.replace(old, new)
    return text


def _forget_sign_ins(username: str) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog  # an app's models

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=username).delete()


def _forget_in_the_audit_log(person, username: str, email: str) -> None:
    """The entries stay, with what was done; the addresses they came from go, and their
    name and email address wherever an entry wrote them out. (A username is replaced only
    where it names them, as the one who acted or the subject: in free text, "editor" may
    be a role.)"""
    # Theirs too: a failed sign-in, logged with the name typed (in any case) and no person.
    theirs = Q(actor=person) | Q(person=person) | Q(actor_name__iexact=username)
    theirs |= Q(subject__iexact=username) | (Q(subject__iexact=email) if email else Q())
    AuditEntry.objects.filter(theirs).update(address="")
    new = person.get_username()
    AuditEntry.objects.filter(actor_name__iexact=username).update(actor_name=new)
    AuditEntry.objects.filter(subject__iexact=username).update(subject=new)
    # What a change of their name or email address said was theirs alone.
    AuditEntry.objects.filter(person=person, action=Audit.DETAILS_CHANGED).update(
        detail=SCRUBBED)  # fmt: skip
    if not email:
        return
    for entry in AuditEntry.objects.filter(
        Q(detail__icontains=email) | Q(subject__icontains=email)
    ):
        entry.detail = _replaced(entry.detail, email, new)
        entry.subject = _replaced(entry.subject, email, new)
        entry.save(update_fields=["detail", "subject"])


def _replaced(text: str, old: str, new: str) -> str:
    """text with old (an email address) replaced by new, in any case, where it stands
    whole: not inside a longer address."""
    return re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", new, text, flags=re.IGNORECASE)
