"""The change history: every edit to a link, element or framework, who made it, when,
before and after; and the one way such edits are saved, so none goes unrecorded."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mapping.models.events import announce
from mapping.models.reverting import Revertible
from mapping.models.rows import place_in_tree, save_fields
from mapping.models.tracked import field_label, in_words, tracked_values
from standards.models import Element, Framework
from standards.text import refuse_unprintable


class EditConflict(Exception):
    """Someone else saved the object after the editor opened it."""

    def __init__(self, current: models.Model) -> None:
        super().__init__("Someone else saved this since you opened it.")
        self.current = current


class ChangeQuerySet(models.QuerySet):
    def for_object(self, instance: models.Model) -> ChangeQuerySet:
        return self.filter(subject_type=instance._meta.model_name, subject_id=instance.pk)

    def seen_in(self, mapping) -> ChangeQuerySet:
        """What one register's pages show of a subject's history: changes to it as such
        (an element's own edits belong to no register) and this register's decisions on
        it, not another register's decisions on the same element."""
        return self.filter(Q(mapping=None) | Q(mapping=mapping))

    def with_people(self) -> ChangeQuerySet:
        # What reverted each change is fetched for the page's rows alone (one query): joined
        # in, it was a join back onto every change skipped to reach a deep page, which a
        # database with statistics (SQLite after ANALYZE) scanned once a row.
        return self.select_related("user", "mapping", "reverts").prefetch_related("reverted_by")

    def since(self, moment) -> ChangeQuerySet:
        return self.filter(at__gt=moment)

    def latest_edits(self, links) -> dict[int, Change]:
        """Each link's latest edit (what a reviewer needs to see changed), by the link's id,
        in one query; a link never edited since it was made has none."""
        edits = self.filter(subject_type="link", subject_id__in=[link.pk for link in links],
                            action=self.model.Action.EDITED)  # fmt: skip
        latest: dict[int, Change] = {}
        for change in edits.order_by("subject_id", "-at", "-pk"):
            latest.setdefault(change.subject_id, change)
        return latest

    def of_register(self, mapping_id, source_id, target_id) -> ChangeQuerySet:
        """Changes to one mapping's links and to its two frameworks (source and target)
        and their elements.

        Each argument may be a value or an OuterRef, for counting inside a subquery."""
        return self.filter(
            Q(mapping_id=mapping_id) | Q(framework_id=source_id) | Q(framework_id=target_id)
        )

    def record(
        self,
        instance: models.Model,
        *,
        action: str,
        before: dict,
        by,
        reason: str = "",
        reverts: Change | None = None,
    ) -> Change:
        """Record one change to a link, element or framework, and announce it."""
        change = self.model.of(instance, action=action, before=before, by=by, reason=reason,
                               reverts=reverts)  # fmt: skip
        change.save(force_insert=True)
        _announce([change], by=by)
        return change

    def record_gap(self, mapping, element, *, action: str, by, reason: str = "") -> Change:
        """Record a decision on a gap of one register (mapping/views/gaps.py): element left
        unlinked on purpose, and why, or opened for review again. It belongs to that
        register alone, not to the element's framework, which other registers share."""
        change = self.model(
            mapping=mapping, subject_type=Change.Subject.ELEMENT, subject_id=element.pk,
            subject_label=element.history_label, action=action, reason=reason,
            user=by if by is not None and by.is_authenticated else None,
        )  # fmt: skip
        change.save(force_insert=True)
        _announce([change], by=by)
        return change

    @transaction.atomic
    def save_new(self, instance: models.Model, *, by, reason: str = "") -> Change:
        """Save a new link, element or framework and record its creation."""
        instance.save()
        return self.record(instance, action=Change.Action.CREATED, before={}, by=by, reason=reason)

    def record_created(self, instances: list[models.Model], *, by, reason: str = "") -> None:
        """Record the creation of many rows saved together (an import), in one statement."""
        changes = [
            self.model.of(instance, action=Change.Action.CREATED, before={}, by=by, reason=reason)
            for instance in instances
        ]
        self.bulk_create(changes, batch_size=1000)
        _announce(changes, by=by)

    @transaction.atomic
    def apply_many(self, edits: list[tuple[models.Model, dict[str, Any]]], *, by,
                   reason: str = "") -> int:  # fmt: skip
        """Save changes to many rows of one model at once (an import) and record each, or
        write nothing: if any row has moved on since it was loaded, EditConflict. Each row's
        fields are checked as apply() checks them; returns how many changed."""
        if not edits:
            return 0
        model = type(edits[0][0])
        loaded = {instance.pk: instance.revision for instance, _changes in edits}
        ids = list(loaded)
        for start in range(0, len(ids), 5000):
            rows = model.objects.select_for_update().filter(pk__in=ids[start : start + 5000])
            for pk, revision in rows.values_list("pk", "revision"):
                if loaded[pk] != revision:
                    raise EditConflict(model.objects.get(pk=pk))
        user = by if by is not None and by.is_authenticated else None
        now, saved, records, fields = timezone.now(), [], [], {"revision", "updated_at"}
        if any(field.name == "updated_by" for field in model._meta.fields):
            fields.add("updated_by")
        for instance, changes in edits:
            before = tracked_values(instance)
            for name, value in changes.items():
                setattr(instance, name, value)
            instance.clean_fields(exclude=[f.name for f in model._meta.fields
                                           if f.name not in changes])  # fmt: skip
            if tracked_values(instance) == before:
                continue
            instance.revision, instance.updated_at = instance.revision + 1, now
            if "updated_by" in fields:
                instance.updated_by = user
            fields |= set(changes)
            saved.append(instance)
            records.append(self.model.of(instance, action=_action_for(instance, before),
                                         before=before, by=by, reason=reason, at=now))  # fmt: skip
        save_fields(model, saved, sorted(fields))
        self.bulk_create(records, batch_size=1000)
        _announce(records, by=by)
        place_in_tree(model, saved, fields)
        return len(saved)

    @transaction.atomic
    def apply(
        self,
        instance: models.Model,
        changes: dict[str, Any],
        *,
        by,
        revision: int | None = None,
        reason: str = "",
        reverts: Change | None = None,
    ) -> Change | None:
        """Save changes to a link, element or framework and record them, or refuse.

        instance is the row as the caller loaded it, and revision the one the editor's
        form was opened at (by default, the instance's own). If the row has moved on since,
        EditConflict carries the current row and nothing is written: the update is
        conditional on the revision, so two saves racing each other cannot both win.
        Returns the recorded change, or None when nothing actually changed.
        """
        model = type(instance)
        expected = instance.revision if revision is None else revision
        if instance.revision != expected:
            raise EditConflict(model.objects.get(pk=instance.pk))
        before = tracked_values(instance)
        loaded = {name: getattr(instance, name) for name in changes}
        for name, value in changes.items():
            setattr(instance, name, value)
        try:
            # Field and model rules; uniqueness and the tree are the database's to check.
            instance.full_clean(validate_unique=False, validate_constraints=False)
            if tracked_values(instance) == before:
                return None
            values = {name: getattr(instance, name) for name in changes}
            values |= {"revision": expected + 1, "updated_at": timezone.now()}
            if any(field.name == "updated_by" for field in model._meta.fields):
                values["updated_by"] = by if by is not None and by.is_authenticated else None
            if not model.objects.filter(pk=instance.pk, revision=expected).update(**values):
                raise EditConflict(model.objects.get(pk=instance.pk))
        except (ValidationError, EditConflict):
            # Nothing was written: the instance goes back to the row as it was loaded.
            for name, value in loaded.items():
                setattr(instance, name, value)
            raise
        for name, value in values.items():
            setattr(instance, name, value)
        place_in_tree(model, [instance], values)
        action = Change.Action.REVERTED if reverts else _action_for(instance, before)
        return self.record(
            instance, action=action, before=before, by=by, reason=reason, reverts=reverts
        )


def _announce(changes: list[Change], *, by) -> None:
    """Tell whoever listens (mapping/models/events.py) which registers these changes belong
    to: a link's mapping, or every mapping of an element's or framework's framework."""
    if not changes:
        return
    first = changes[0]
    announce(
        action=first.action if len(changes) == 1 else "imported",
        subject_type=first.subject_type,
        subject_id=first.subject_id if len(changes) == 1 else None,
        subject_ids=[change.subject_id for change in changes] if len(changes) > 1 else (),
        mapping_ids={change.mapping_id for change in changes},
        framework_ids={change.framework_id for change in changes},
        by=by,
    )


def _framework_id(instance: models.Model) -> int | None:
    if isinstance(instance, Framework):
        return instance.pk
    return getattr(instance, "framework_id", None)


def _action_for(instance: models.Model, before: dict) -> str:
    """What an edit did, in the history's words. A link says for itself (its status
    moves through review); elements and frameworks are edited, retired or restored."""
    if hasattr(instance, "history_action"):
        return instance.history_action(before)
    if before.get("retired") != getattr(instance, "retired", None):
        return Change.Action.RETIRED if instance.retired else Change.Action.RESTORED
    return Change.Action.EDITED


class Change(Revertible, models.Model):
    """One recorded change to a link, element or framework: who, when, before and after."""

    class Subject(models.TextChoices):
        LINK = "link", "Link"
        ELEMENT = "element", "Element"
        FRAMEWORK = "framework", "Framework"

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        EDITED = "edited", "Edited"
        PROPOSED = "proposed", "Proposed"
        APPROVED = "approved", "Approved"
        SENT_BACK = "sent_back", "Sent back"
        RETIRED = "retired", "Retired"
        RESTORED = "restored", "Restored"
        REVERTED = "reverted", "Reverted"
        DELETED = "deleted", "Deleted"
        CHECKED = "checked", "Checked"  # a link accepted from an inference still holds
        # A gap of one register (an element with no link) decided on the coverage page.
        LEFT_UNLINKED = "unlinked", "Left unlinked"
        REOPENED = "reopened", "Reopened for review"

    # Which register the change belongs to: the mapping of a link, the framework of an
    # element or of the framework itself.
    mapping = models.ForeignKey(
        "mapping.Mapping", on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_type = models.CharField(max_length=10, choices=Subject.choices)
    subject_id = models.PositiveIntegerField()
    subject_label = models.CharField(max_length=400, help_text="What it was called then.")
    action = models.CharField(max_length=10, choices=Action.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True, max_length=2_000, validators=[refuse_unprintable])
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    reverts = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reverted_by"
    )

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "-at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_type__in=["link", "element", "framework"]),
                name="change_subject_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.subject_label}"

    @classmethod
    def of(cls, instance: models.Model, *, action: str, before: dict, by, reason: str = "",
           reverts: Change | None = None, at=None) -> Change:  # fmt: skip
        """The record of one change to instance, not yet saved: the one place a Change row
        is made, whether it is saved alone or with thousands of others."""
        return cls(
            mapping_id=getattr(instance, "mapping_id", None),
            framework_id=_framework_id(instance),
            subject_type=instance._meta.model_name,
            subject_id=instance.pk,
            subject_label=instance.history_label,
            action=action,
            before=before,
            after=tracked_values(instance) if action != Change.Action.DELETED else {},
            reason=reason,
            user=by if by is not None and by.is_authenticated else None,
            reverts=reverts,
            at=at or timezone.now(),
        )

    @property
    def who(self) -> str:
        if self.user is None:
            return "someone no longer registered"
        return self.user.get_full_name() or self.user.get_username()

    @cached_property
    def differences(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for each field this change altered, the field by its
        label ("why it was retired", not "retired_reason"), a relation in words ("Partly
        covers", not its stored "partly_covers") and an element's parent by its code and
        title ("ADV Advocate", not its row's id)."""
        names = [name for name in dict.fromkeys([*self.before, *self.after])
                 if self.before.get(name) != self.after.get(name)]  # fmt: skip
        parents = {}
        if "parent_id" in names:  # named for a whole page at once by name_parents()
            parents = self.__dict__.get("parents_named") or _parents_named(
                self.before.get("parent_id"), self.after.get("parent_id"))  # fmt: skip
        return [
            (field_label(self.subject_model, name),
             *(parents.get(value, value) if name == "parent_id" else in_words(name, value)
               for value in (self.before.get(name), self.after.get(name))))
            for name in names
        ]  # fmt: skip

    @property
    def shows_differences(self) -> bool:
        return self.action != Change.Action.CREATED and bool(self.differences)

    @property
    def subject_model(self) -> type[models.Model]:
        label = {"link": "mapping.Link", "element": "standards.Element"}.get(
            self.subject_type, "standards.Framework"
        )
        return apps.get_model(label)

    def subject(self) -> models.Model | None:
        return self.subject_model.objects.filter(pk=self.subject_id).first()

    @property
    def link_url(self) -> str:
        """The changed link's page in the live register of its mapping; "" for anything
        else."""
        if self.subject_type != Change.Subject.LINK or self.mapping is None:
            return ""
        return reverse("link_detail", kwargs={**self.mapping.url_kwargs, "pk": self.subject_id})


def name_parents(changes) -> list | None:
    """The changes, each element's move able to name both parents, for all of them in one
    query (a page of changes); returns them (None, where an edition keeps no history)."""
    if changes is None:
        return None
    changes = list(changes)
    ids = [change.before.get("parent_id") for change in changes] + [
        change.after.get("parent_id") for change in changes]  # fmt: skip
    named = _parents_named(*ids) if any(ids) else {}
    for change in changes:
        change.parents_named = named
    return changes


def _parents_named(*ids) -> dict[int, str]:
    """Parents' row ids as the history shows them: code and title (one query)."""
    wanted = {pk for pk in ids if pk}
    found = {pk: f"{code} {title}" for pk, code, title in
             Element.objects.filter(pk__in=wanted).values_list("pk", "code", "title")}  # fmt: skip
    return {pk: found.get(pk, f"an element since deleted (row {pk})") for pk in wanted}
