"""Personal API tokens: what reads the API when the site is not public. A token is shown
once, when it is made; the database keeps only its SHA-256 digest and a short prefix by
which its owner can recognise it. It lasts as long as its owner chose (90 days unless they
chose otherwise, or for ever), until revoked, or until its owner is deactivated."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mapping.models.people import Audit, AuditEntry
from standards.text import refuse_unprintable

PREFIX = "weave_"
# How stale "last used" may get before a request writes it again.
LAST_USED_EVERY = timedelta(minutes=5)


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def unexpired(self) -> ApiTokenQuerySet:
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))

    def active(self) -> ApiTokenQuerySet:
        return self.unexpired().filter(revoked_at__isnull=True, user__is_active=True)

    def user_for(self, key: str, *, request=None):
        """The active user a token belongs to, or None; notes when it was last used, and
        (request) from where."""
        if not key.startswith(PREFIX) or len(key) > 200:
            return None
        token = self.active().select_related("user").filter(digest=digest_of(key)).first()
        if token is None:
            return None
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
            AuditEntry.objects.record(Audit.TOKEN_USED, by=token.user, person=token.user,
                                      subject=str(token), request=request)  # fmt: skip
        return token.user

    def why_refused(self, key: str) -> tuple[str, ApiToken | None]:
        """Why user_for refused a key, for the refusal to say: "inactive" (a live token of an
        account deactivated since: its owner cannot sign in to make another), "expired"
        (with the token, to say when), or "unknown" (revoked, or mistyped)."""
        if not key.startswith(PREFIX) or len(key) > 200:
            return "unknown", None
        token = self.filter(digest=digest_of(key), revoked_at__isnull=True).select_related(
            "user").first()  # fmt: skip
        if token is None:
            return "unknown", None
        if not token.user.is_active:
            return "inactive", token
        return ("expired", token) if token.is_expired else ("unknown", None)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100,
        help_text="What it is for, to tell tokens apart.",
        validators=[refuse_unprintable],
    )
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="When it stops opening the API; empty: never."
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name: str, *, lasts: timedelta | None = None) -> tuple[ApiToken, str]:
        """A new token for user, lasting as long as lasts (None: until revoked): the saved
        row and the key, which is never stored."""
        key = PREFIX + secrets.token_urlsafe(32)
        expires_at = timezone.now() + lasts if lasts else None
        token = cls.objects.create(user=user, name=name, prefix=key[: len(PREFIX) + 6],
                                   digest=digest_of(key), expires_at=expires_at)  # fmt: skip
        return token, key

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        """Not revoked and not expired: it opens the API (while its owner is active)."""
        return self.revoked_at is None and not self.is_expired

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
