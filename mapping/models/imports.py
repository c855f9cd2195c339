"""An uploaded file on its way in: kept between its dry run and its apply, so that what is
applied is exactly what the editor saw (and, if the register changed in between, the
editor sees the new dry run first)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class ImportBatchQuerySet(models.QuerySet):
    """An upload is kept WEAVE_IMPORT_KEEP_DAYS for its dry run to be applied; after that
    one nobody applied (or that could not be read) is abandoned: its file is let go, and it
    no longer waits in anyone's review queue."""

    def _abandoned(self) -> models.Q:
        cutoff = timezone.now() - timedelta(days=settings.WEAVE_IMPORT_KEEP_DAYS)
        unapplied = [ImportBatch.State.CHECKING, ImportBatch.State.PLANNED,
                     ImportBatch.State.FAILED]  # fmt: skip
        return models.Q(created_at__lt=cutoff, state__in=unapplied)

    def abandoned(self) -> ImportBatchQuerySet:
        return self.filter(self._abandoned())

    def kept(self) -> ImportBatchQuerySet:
        return self.exclude(self._abandoned())

    def ready_to_apply(self, registers) -> list[ImportBatch]:
        """Imports checked and ready to apply in these registers: not one the dry run found
        problems in, or that would change nothing (no one can act on those), nor one
        abandoned; newest first."""
        planned = self.kept().filter(mapping__in=registers, state=ImportBatch.State.PLANNED)
        batches = planned.defer("content").select_related("mapping", "created_by")
        return [batch for batch in batches.order_by("-created_at") if batch.can_be_applied]


class ImportBatch(models.Model):
    class Kind(models.TextChoices):
        FRAMEWORK = "framework", "A framework"
        LINKS = "links", "Links"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel workbook (XLSX)"
        CASE = "case", "CASE 1.0 JSON"

    class State(models.TextChoices):
        CHECKING = "checking", "Checking the file"
        PLANNED = "planned", "Dry run ready"
        APPLYING = "applying", "Applying"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Could not be read"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file_format = models.CharField(max_length=10, choices=Format.choices)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    # A framework import goes into framework, or into a new one described by details;
    # a links import goes into mapping.
    framework = models.ForeignKey(
        "standards.Framework", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    details = models.JSONField(default=dict, blank=True)
    mapping = models.ForeignKey(
        "mapping.Mapping", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    options = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CHECKING)
    summary = models.JSONField(default=list, blank=True)  # the dry run, as shown
    digest = models.CharField(max_length=64, blank=True)  # of the dry run, to apply it only
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "import"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["framework", "links"]), name="import_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("import_batch", args=[self.pk])

    @property
    def is_failed(self) -> bool:
        return self.state == self.State.FAILED

    @property
    def is_planned(self) -> bool:
        return self.state == self.State.PLANNED

    @property
    def is_applied(self) -> bool:
        return self.state == self.State.APPLIED

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.APPLYING)

    @property
    def can_be_applied(self) -> bool:
        return (
            self.state == self.State.PLANNED
            and all(not part["blocked"] for part in self.summary)
            and any(part["has_work"] for part in self.summary)
        )

    @property
    def changes_nothing(self) -> bool:
        """Checked, without a problem, and already in Weave as the file says."""
        return self.state == self.State.PLANNED and not any(
            part["blocked"] or part["has_work"] for part in self.summary
        )
