"""The organisation's people: invitations to join Weave, and the audit log of who signed in,
whose role changed, who was invited or deactivated and which tokens were used.

An invitation's link is shown or sent once: the database keeps only the SHA-256 digest of
its key. It works once, for seven days, and sets up an account with the role it names
(site-wide, or in one register). The audit log keeps WEAVE_AUDIT_DAYS (365) days of entries;
older ones are removed as new ones are written.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from mapping.core.client import client_address
from mapping.models.mappings import Mapping
from mapping.models.memberships import Role

INVITATION_DAYS = 7


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Audit(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGNED_OUT = "signed_out", "Signed out"
    ROLE_CHANGED = "role_changed", "Role changed"
    INVITED = "invited", "Invited"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    INVITATION_WITHDRAWN = "invitation_withdrawn", "Invitation withdrawn"
    DEACTIVATED = "deactivated", "Deactivated"
    REACTIVATED = "reactivated", "Reactivated"
    PASSWORD_SET = "password_set", "Password set"
    TOKEN_USED = "token_used", "API token used"
    TOKEN_MADE = "token_made", "API token made"
    TOKEN_REVOKED = "token_revoked", "API token revoked"
    UNLOCKED = "unlocked", "Unlocked after failed sign-ins"
    DETAILS_CHANGED = "details_changed", "Name or email changed"
    FORGOTTEN = "forgotten", "Personal details erased"


class AuditQuerySet(models.QuerySet):
    def record(self, action: Audit, *, by=None, person=None, subject: str = "",
               detail: str = "", request=None) -> AuditEntry:  # fmt: skip
        """One entry; entries older than the site keeps are removed on the way."""
        now = timezone.now()
        self.filter(at__lt=now - timedelta(days=settings.WEAVE_AUDIT_DAYS)).delete()
        address = client_address(request) if request is not None else ""
        return self.create(
            at=now, action=action, actor=by if by is not None and by.pk else None,
            actor_name=by.get_username() if by is not None and by.pk else "",
            person=person, subject=subject[:200] or (person.get_username() if person else ""),
            detail=detail[:2000], address=address[:45],
        )  # fmt: skip


class AuditEntry(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=24, choices=Audit.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    actor_name = models.CharField(max_length=150, blank=True)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="audit_entries")  # fmt: skip
    subject = models.CharField(max_length=200, blank=True, help_text="Whom or what it was about.")
    detail = models.TextField(blank=True)
    address = models.CharField(max_length=45, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.subject}"


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True,
                           expires_at__gt=timezone.now())  # fmt: skip

    def ran_out(self, *, since) -> InvitationQuerySet:
        """Invitations that expired after since without being accepted or withdrawn."""
        waiting = self.model.objects.pending().values("email")
        return (
            self.filter(
                accepted_at__isnull=True,
                withdrawn_at__isnull=True,
                expires_at__lte=timezone.now(),
                expires_at__gt=since,
            )
            .exclude(email__in=waiting)
            .order_by("-expires_at")
        )  # invited since: not listed

    def issue(self, email: str, role: Role, mapping, *, by) -> tuple[Invitation, str]:
        """A new invitation and its key (shown or sent once, never kept)."""
        key = secrets.token_urlsafe(32)
        invitation = self.create(
            email=email, role=role, mapping=mapping, digest=_digest(key), invited_by=by,
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )  # fmt: skip
        return invitation, key

    def for_key(self, key: str) -> Invitation | None:
        """The invitation this key opens, used or not; None for a key that opens none."""
        if not key or len(key) > 100:
            return None
        return self.select_related("mapping", "invited_by").filter(digest=_digest(key)).first()


class Invitation(models.Model):
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices)
    mapping = models.ForeignKey(
        "mapping.Mapping", null=True, blank=True, on_delete=models.CASCADE,
        related_name="invitations", verbose_name="register",
        help_text="Leave empty for the whole site.",
    )  # fmt: skip
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display().lower()}"

    @property
    def where(self) -> str:
        return f"in {self.mapping.name}" if self.mapping_id else "site-wide"

    @property
    def inviter(self) -> str:
        """Who invited them, as they would know them: a name, with the address to write to."""
        person = self.invited_by
        if person is None:
            return "An administrator"
        name = person.get_full_name() or person.get_username()
        return f"{name} ({person.email})" if person.email else name

    @property
    def _who(self) -> str:
        return self.inviter if self.invited_by_id else "an administrator"

    @property
    def organisation(self) -> str:
        """Whose Weave it is: the register's organisation (or the site's default one's)."""
        mapping = self.mapping if self.mapping_id else Mapping.objects.default()
        return mapping.organisation if mapping is not None else ""

    @property
    def problem(self) -> str:
        """Why it can no longer be used, or "" if it can."""
        if self.accepted_at:
            return "This invitation has already been used. Sign in instead."
        if self.withdrawn_at:
            return ("This invitation was withdrawn, or sent again with a new link: use the link "
                    f"in the newest email, or ask {self._who} for a new one.")  # fmt: skip
        if self.expires_at <= timezone.now():
            expired = timezone.localtime(self.expires_at)
            return (f"This invitation expired on {expired:%-d %B %Y}. Ask {self._who} "
                    "for a new one.")  # fmt: skip
        return ""
