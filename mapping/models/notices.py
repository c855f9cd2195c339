"""Who hears about what, and the email waiting to tell them.

A register's publishers hear when a link is proposed in it (unless they switch it off on
their account page): the proposals gather in one notice per person, sent at most once per
PROPOSALS_EVERY. Anyone signed in may watch a register: to hear when an edition is published
(with the comparison), and, if they choose, a daily digest of what changed. A notice is sent
by the background worker, tried again after a failure (RETRY_AFTER, then given up on and
logged), and each email carries a link that unsubscribes without signing in.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

PROPOSALS_EVERY = timedelta(minutes=15)
RETRY_AFTER = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
               timedelta(hours=2)]  # fmt: skip


class Preferences(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notice_preferences")  # fmt: skip
    proposals = models.BooleanField("Email me when a link is proposed in a register I publish",
                                    default=True)  # fmt: skip

    def __str__(self) -> str:
        return f"{self.user}: proposals {'on' if self.proposals else 'off'}"

    @classmethod
    def of(cls, user) -> Preferences:
        return cls.objects.get_or_create(user=user)[0]


class Watch(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="watches")  # fmt: skip
    mapping = models.ForeignKey("mapping.Mapping", on_delete=models.CASCADE,
                                related_name="watches")  # fmt: skip
    editions = models.BooleanField("When an edition is published", default=True)
    digest = models.BooleanField("A daily digest of what changed", default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "mapping"], name="watch_once")]

    def __str__(self) -> str:
        return f"{self.user} watches {self.mapping}"


class Notice(models.Model):
    class Kind(models.TextChoices):
        PROPOSALS = "proposals", "Links proposed"
        EDITION = "edition", "Edition published"
        DIGEST = "digest", "Daily digest"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notices")  # fmt: skip
    kind = models.CharField(max_length=10, choices=Kind.choices)
    mapping = models.ForeignKey("mapping.Mapping", null=True, on_delete=models.CASCADE,
                                related_name="+")  # fmt: skip
    items = models.JSONField(default=list)  # what it tells, a line each: [text, address]
    created_at = models.DateTimeField(default=timezone.now)
    send_after = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    given_up = models.BooleanField(default=False)

    class Meta:
        ordering = ["send_after", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user}"

    @classmethod
    def due(cls, now):
        return cls.objects.filter(sent_at__isnull=True, given_up=False, send_after__lte=now)

    @classmethod
    def gathering(cls, user, kind: str, mapping=None):
        """The notice still gathering items for this person, if there is one, locked
        until the transaction ends (call it in one): two proposals at once both land."""
        where = Q(mapping=mapping) if mapping else Q(mapping__isnull=True)
        return cls.objects.select_for_update().filter(where, user=user, kind=kind,
            sent_at__isnull=True, given_up=False, attempts=0).first()  # fmt: skip
