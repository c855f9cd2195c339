"""What administrators do to people, each in one transaction and in the audit log: give or
take away a role (site-wide or in one register, with a reason), deactivate and reactivate
an account, invite someone and withdraw the invitation; and what the invited person does:
accept it. The site always keeps an active administrator: nobody removes the last one's
role or account, their own included."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from mapping.access.forgetting import is_forgotten
from mapping.access.policy import NotSignedIn
from mapping.models import ApiToken, Membership, Role
from mapping.models.people import Audit, AuditEntry, Invitation

ADMINISTRATOR = "administrator"
NO_ROLE = "none"


def require_administrator(user) -> None:
    if not user.is_authenticated:
        raise NotSignedIn
    if not (user.is_active and user.is_superuser):
        raise PermissionDenied("Only an administrator manages people.")


def is_administrator(person) -> bool:
    person.refresh_from_db(fields=["is_superuser", "is_active"])
    return person.is_active and person.is_superuser


def _administrators():
    return get_user_model().objects.filter(is_active=True, is_superuser=True)


def _locked(person):
    """The person's row, locked, after every active administrator's (in one order, so two
    administrators removing each other at once wait in turn: the second then sees the
    first gone, and is refused as the last one)."""
    list(_administrators().select_for_update().order_by("pk").values_list("pk", flat=True))
    return get_user_model().objects.select_for_update().get(pk=person.pk)


def is_last_administrator(person) -> bool:
    others = _administrators().exclude(pk=person.pk)
    return person.is_superuser and person.is_active and not others.exists()


def _keeps_an_administrator(person) -> None:
    if is_last_administrator(person):
        raise ValidationError(
            f"{person.get_username()} is the site's only active administrator: make someone "
            "else an administrator first, so that the site keeps one."
        )


def role_in(person, mapping) -> str:
    """The role a person holds in one register (or site-wide, without one), as a choice."""
    if mapping is None and person.is_superuser:
        return ADMINISTRATOR
    found = next((m for m in person.memberships.all() if m.mapping_id == (mapping and mapping.pk)),
                 None)  # fmt: skip
    return found.role if found else NO_ROLE


@transaction.atomic
def change_role(person, role: str, mapping, *, by, reason: str, request=None) -> bool:
    """Give person this role site-wide (mapping None) or in one register; NO_ROLE takes it
    away. Returns whether anything changed."""
    person = _locked(person)
    before = role_in(person, mapping)
    if role == before:
        return False
    if role == ADMINISTRATOR and mapping is not None:
        raise ValidationError("An administrator is one for the whole site, not for a register.")
    if before == ADMINISTRATOR:
        _keeps_an_administrator(person)
        person.is_superuser = person.is_staff = False
        person.save(update_fields=["is_superuser", "is_staff"])
    memberships = Membership.objects.filter(user=person, mapping=mapping)
    if role == ADMINISTRATOR:
        person.is_superuser = person.is_staff = True
        person.save(update_fields=["is_superuser", "is_staff"])
        memberships.delete()
    elif role == NO_ROLE:
        memberships.delete()
    else:
        Membership.objects.update_or_create(user=person, mapping=mapping,
                                            defaults={"role": Role(role)})  # fmt: skip
    where = f"in {mapping.name}" if mapping is not None else "site-wide"
    AuditEntry.objects.record(
        Audit.ROLE_CHANGED, by=by, person=person, request=request,
        detail=f"{_said(before)} → {_said(role)} {where}. Reason: {reason}",
    )  # fmt: skip
    return True


def _said(role: str) -> str:
    if role == ADMINISTRATOR:
        return "administrator"
    return "no role" if role == NO_ROLE else Role(role).label.lower()


@transaction.atomic
def set_active(person, active: bool, *, by, reason: str, request=None) -> int:
    """Deactivate or reactivate an account; returns how many API tokens deactivating it
    revoked."""
    person = _locked(person)
    if person.is_active == active:
        return 0
    if not active:
        _keeps_an_administrator(person)
    elif is_forgotten(person):
        raise ValidationError("Their personal details were erased: the account stays closed. "
                              "Invite them again if they come back.")  # fmt: skip
    person.is_active = active
    person.save(update_fields=["is_active"])
    revoked = 0 if active else _revoke_tokens(person)
    AuditEntry.objects.record(
        Audit.REACTIVATED if active else Audit.DEACTIVATED,
        by=by,
        person=person,
        detail=f"Reason: {reason}" + (f" ({tokens_said(revoked)} revoked)" if revoked else ""),
        request=request,
    )
    return revoked


def _revoke_tokens(person) -> int:
    """A deactivated account's tokens are revoked, so reactivating it does not open the API
    again to whatever still holds them: the person makes new ones."""
    standing = ApiToken.objects.filter(user=person, revoked_at__isnull=True)
    working = standing.unexpired().count()  # what "N revoked" says: an expired one opened nothing
    standing.update(revoked_at=timezone.now())
    return working


def tokens_said(count: int) -> str:
    return f"{count} API token{'' if count == 1 else 's'}"


def revoke_token(token: ApiToken, *, by, request=None) -> bool:
    """Revoke one token (its holder's or an administrator's doing), in the audit log.
    Returns whether it was still active."""
    if not token.is_active:
        return False
    token.revoke()
    AuditEntry.objects.record(Audit.TOKEN_REVOKED, by=by, person=token.user, detail=str(token),
                              request=request)  # fmt: skip
    return True


def address_in_use(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=email).exists()


@transaction.atomic
def invite(emails: list[str], role: str, mapping, *, by, request=None) -> list[tuple]:
    """Invite everyone in emails with one role, all of them or, if any address is already
    in Weave or invited, none: each such address is named. Returns (invitation, key) pairs.
    Invitations take turns (only administrators invite: their rows are locked), so the same
    address sent twice at once, by a double click, is invited once and refused once."""
    list(_administrators().select_for_update().order_by("pk").values_list("pk", flat=True))
    if problems := list(why_not_invite(emails).values()):
        raise ValidationError(problems)
    return [_issue(email, Role(role), mapping, by=by, request=request) for email in emails]


def why_not_invite(emails: list[str]) -> dict[str, str]:
    """Why each of these (lower-case) addresses that cannot be invited now cannot, in two
    queries however many there are."""
    folded = Lower("email")
    in_use = set(get_user_model().objects.annotate(folded=folded).filter(folded__in=emails)
                 .values_list("folded", flat=True))  # fmt: skip
    invited = set(Invitation.objects.pending().annotate(folded=folded)
                  .filter(folded__in=emails).values_list("folded", flat=True))  # fmt: skip
    said = {}
    for email in emails:
        if email in in_use:
            said[email] = (f"{email} already has an account in Weave: change its role on "
                           "People instead.")  # fmt: skip
        elif email in invited:
            said[email] = (f"{email} already has an invitation waiting: send it again from "
                           "People, or withdraw it.")  # fmt: skip
    return said


def _issue(email: str, role, mapping, *, by, request=None, again=False
           ) -> tuple[Invitation, str]:  # fmt: skip
    invitation, key = Invitation.objects.issue(email, role, mapping, by=by)
    said = f"{invitation.get_role_display()} {invitation.where}."
    said += " Sent again, with a new link (the old one no longer works)." if again else ""
    AuditEntry.objects.record(Audit.INVITED, by=by, subject=email, request=request, detail=said)
    return invitation, key


@transaction.atomic
def invite_again(invitation: Invitation, *, by, request=None) -> tuple[Invitation, str]:
    """A new link for an invitation not yet accepted, waiting or expired: the old link
    stops working, and the new one has seven days again."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError(f"{invitation.email} has already accepted the invitation.")
    if address_in_use(invitation.email):
        raise ValidationError(f"{invitation.email} already has an account in Weave.")
    if invitation.withdrawn_at:  # sent again already (a second press, a page kept open)
        raise ValidationError(f"That invitation to {invitation.email} was withdrawn or sent "
                              "again already: People lists the one that stands.")  # fmt: skip
    newer = Invitation.objects.pending().filter(email__iexact=invitation.email)
    if newer.exclude(pk=invitation.pk).exists():
        raise ValidationError(f"{invitation.email} has a newer invitation waiting: send that "
                              "one again instead.")  # fmt: skip
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])
    return _issue(invitation.email, Role(invitation.role), invitation.mapping, by=by,
                  request=request, again=True)  # fmt: skip


@transaction.atomic
def withdraw(invitation: Invitation, *, by, request=None) -> None:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError(f"{invitation.email} has already accepted the invitation: "
                              "change their role on their own page instead.")  # fmt: skip
    if invitation.withdrawn_at:
        raise ValidationError(f"The invitation to {invitation.email} was already withdrawn.")
    if invitation.problem:  # expired
        raise ValidationError(f"The invitation to {invitation.email} has expired: its link "
                              "already no longer works.")  # fmt: skip
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])
    AuditEntry.objects.record(Audit.INVITATION_WITHDRAWN, by=by, subject=invitation.email,
                              request=request)  # fmt: skip


def free_username(email: str) -> str:
    """A username from an email address, numbered if it is taken."""
    base = "".join(c for c in email.partition("@")[0] if c.isalnum() or c in "._+-")[:140]
    username, number = base or "person", 1
    while get_user_model().objects.filter(username__iexact=username).exists():
        number += 1
        username = f"{base or 'person'}{number}"
    return username


@transaction.atomic
def accept(invitation: Invitation, *, username: str, name: str, password: str | None,
           request=None):  # fmt: skip
    """The account the invitation sets up, with its role; the invitation used. Without a
    password, the account signs in through the identity provider (matched by email)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.problem:
        raise ValidationError(invitation.problem)
    if address_in_use(invitation.email):
        raise ValidationError(f"{invitation.email} already has an account: sign in instead.")
    users = get_user_model().objects
    if users.filter(username__iexact=username).exists():
        raise ValidationError({"username": "Someone already has that username: choose another."})
    first, _space, last = name.strip().partition(" ")
    person = users.create_user(username, invitation.email, password,
                               first_name=first[:150], last_name=last[:150])  # fmt: skip
    Membership.objects.create(user=person, mapping=invitation.mapping, role=invitation.role)
    invitation.accepted_at, invitation.accepted_by = timezone.now(), person
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    AuditEntry.objects.record(
        Audit.INVITATION_ACCEPTED,
        by=person,
        person=person,
        request=request,
        detail=f"{invitation.get_role_display()} {invitation.where}.",
    )
    return person
