from __future__ import annotations

import hashlib
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, OrderBy, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from mapping.markdown import render_markdown
from mapping.roles import Role, has_role
from standards.models import Element, Framework, subtree_ids


class Relation(models.TextChoices):
    """How a behaviour relates to a standard, in words staff use.

    Each has a SKOS mapping property, read as "<behaviour> skos:X <standard>".
    """

    SAME_AS = "same_as", "Is the same as"
    FULLY_COVERS = "fully_covers", "Fully covers"
    PARTLY_COVERS = "partly_covers", "Partly covers"
    CLOSELY_MATCHES = "closely_matches", "Closely matches"
    SUPPORTS = "supports", "Supports"

    @property
    def skos(self) -> str:
        return SKOS_MATCH[self]

    @property
    def explanation(self) -> str:
        return RELATION_EXPLANATIONS[self]


SKOS_MATCH = {
    Relation.SAME_AS: "exactMatch",
    # The behaviour takes in all of the standard, so the standard is the narrower concept.
    Relation.FULLY_COVERS: "narrowMatch",
    # The behaviour covers part of the standard, so the standard is the broader concept.
    Relation.PARTLY_COVERS: "broadMatch",
    Relation.CLOSELY_MATCHES: "closeMatch",
    Relation.SUPPORTS: "relatedMatch",
}

RELATION_EXPLANATIONS = {
    Relation.SAME_AS: "The behaviour and the standard ask for the same thing.",
    Relation.FULLY_COVERS: "Living the behaviour meets all of the standard.",
    Relation.PARTLY_COVERS: "Living the behaviour meets part of the standard.",
    Relation.CLOSELY_MATCHES: "Close in meaning, though worded for a different purpose.",
    Relation.SUPPORTS: "The behaviour helps someone meet the standard without meeting it itself.",
}


class MappingQuerySet(models.QuerySet):
    def with_frameworks(self) -> MappingQuerySet:
        return self.select_related("behaviours_framework", "standards_framework")

    def default(self) -> Mapping | None:
        return self.with_frameworks().filter(is_default=True).first()


class Mapping(models.Model):
    """A named set of links from one behaviours framework to one standards framework."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    organisation = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    guide_intro = models.TextField(
        "guide introduction",
        blank=True,
        help_text="Opens the QuickStart guide. Markdown: headings, lists, links, emphasis. "
        "HTML and scripts are removed.",
    )
    behaviours_framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="mappings_from",
        limit_choices_to={"kind": Framework.Kind.BEHAVIOURS},
    )
    standards_framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="mappings_to",
        limit_choices_to={"kind": Framework.Kind.STANDARDS},
    )
    is_default = models.BooleanField(
        "site's default mapping",
        default=False,
        help_text="The mapping the register's pages show. Only one can be the default.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MappingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="mapping_one_default",
            ),
            models.CheckConstraint(
                condition=~Q(behaviours_framework=F("standards_framework")),
                name="mapping_two_frameworks",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def guide_intro_html(self) -> str:
        return render_markdown(self.guide_intro)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.behaviours_framework_id and not self.behaviours_framework.is_behaviours:
            errors["behaviours_framework"] = "Choose a behaviours framework."
        if self.standards_framework_id and self.standards_framework.is_behaviours:
            errors["standards_framework"] = "Choose a standards framework."
        if errors:
            raise ValidationError(errors)


class LinkSort(models.TextChoices):
    BEHAVIOUR = "behaviour", "Behaviour, in framework order"
    BEHAVIOUR_DESC = "-behaviour", "Behaviour, reversed"
    STANDARD = "standard", "Standard, in framework order"
    STANDARD_DESC = "-standard", "Standard, reversed"
    RELATION = "relation", "Relation, strongest first"
    RELATION_DESC = "-relation", "Relation, weakest first"
    UPDATED_DESC = "-updated", "Most recently updated"
    UPDATED = "updated", "Least recently updated"


def _tree_order(prefix: str) -> list:
    """Order keys that put each element right after its parent (exact for two levels)."""
    return [
        Coalesce(f"{prefix}__parent__position", f"{prefix}__position"),
        Coalesce(f"{prefix}__parent_id", f"{prefix}_id"),
        F(f"{prefix}__parent_id").asc(nulls_first=True),
        F(f"{prefix}__position"),
        F(f"{prefix}__code"),
    ]


def _reversed(keys: list) -> list:
    """The same keys, each flipped; NULLs move to the other end too, on every database."""
    flipped = []
    for key in keys:
        if isinstance(key, OrderBy):
            flipped.append(
                OrderBy(
                    key.expression,
                    descending=not key.descending,
                    nulls_first=key.nulls_last or None,
                    nulls_last=key.nulls_first or None,
                )
            )
        else:
            flipped.append(key.desc())
    return flipped


def _relation_strength() -> models.Case:
    return models.Case(
        *(models.When(relation=value, then=rank) for rank, value in enumerate(Relation.values)),
        output_field=models.IntegerField(),
    )


class LinkStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    RETIRED = "retired", "Retired"


class LinkQuerySet(models.QuerySet):
    def current(self) -> LinkQuerySet:
        """The links the live register shows: everything but retired links."""
        return self.exclude(status=LinkStatus.RETIRED)

    def approved(self) -> LinkQuerySet:
        """The links an edition takes."""
        return self.filter(status=LinkStatus.APPROVED)

    def with_status(self, status: str) -> LinkQuerySet:
        return self.filter(status=status)

    def with_elements(self) -> LinkQuerySet:
        # The frameworks come along so each element knows its own page's address.
        return self.select_related(
            "behaviour__framework", "behaviour__parent", "standard__framework", "standard__parent"
        )

    def in_id_order(self, ids: list[int]) -> list[Link]:
        """These links, in the order of ids: for fetching a page found by a narrow query."""
        rows = self.in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]

    def touching_behaviours(self, element_ids: Collection[int]) -> LinkQuerySet:
        return self.filter(behaviour_id__in=element_ids)

    def touching_standards(self, element_ids: Collection[int]) -> LinkQuerySet:
        return self.filter(standard_id__in=element_ids)

    def with_relation(self, relation: str) -> LinkQuerySet:
        return self.filter(relation=relation)

    def matching(self, text: str) -> LinkQuerySet:
        condition = Q()
        for word in text.split():
            condition &= (
                Q(behaviour__code__icontains=word)
                | Q(behaviour__title__icontains=word)
                | Q(standard__code__icontains=word)
                | Q(standard__title__icontains=word)
                | Q(rationale__icontains=word)
                | Q(example__icontains=word)
            )
        return self.filter(condition)

    def sorted_by(self, sort: str) -> LinkQuerySet:
        behaviour, standard = _tree_order("behaviour"), _tree_order("standard")
        keys = {
            LinkSort.BEHAVIOUR: behaviour + standard,
            LinkSort.STANDARD: standard + behaviour,
            LinkSort.RELATION: [_relation_strength(), *behaviour, *standard],
            LinkSort.UPDATED: [F("updated_at"), F("pk")],
        }
        base = LinkSort(sort.removeprefix("-"))
        chosen = keys[base]
        if sort.startswith("-"):
            chosen = _reversed(chosen)
        return self.order_by(*chosen, "pk")


class Link(models.Model):
    """A claim that a behaviour relates to a standard, with the reason why."""

    mapping = models.ForeignKey(Mapping, on_delete=models.PROTECT, related_name="links")
    behaviour = models.ForeignKey(
        Element, on_delete=models.PROTECT, related_name="links_as_behaviour"
    )
    standard = models.ForeignKey(
        Element, on_delete=models.PROTECT, related_name="links_as_standard"
    )
    relation = models.CharField(max_length=20, choices=Relation.choices)
    rationale = models.TextField(help_text="Why the behaviour relates to the standard.")
    example = models.TextField(
        "in practice", blank=True, help_text="An example of the link in everyday work."
    )
    status = models.CharField(max_length=10, choices=LinkStatus.choices, default=LinkStatus.DRAFT)
    retired_reason = models.TextField("why it was retired", blank=True)
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mapping", "behaviour", "standard"], name="link_pair_unique"
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="link_rationale_required"),
            models.CheckConstraint(
                condition=Q(relation__in=Relation.values), name="link_relation_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=LinkStatus.values), name="link_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=LinkStatus.RETIRED) | ~Q(retired_reason=""),
                name="link_retired_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["mapping", "standard"])]

    history_fields = ("relation", "rationale", "example", "status", "retired_reason")

    def __str__(self) -> str:
        return f"{self.behaviour.code} {self.get_relation_display().lower()} {self.standard.code}"

    def get_absolute_url(self) -> str:
        return reverse("link_detail", args=[self.pk])

    @property
    def history_label(self) -> str:
        return f"{self.behaviour.code} → {self.standard.code}"

    @property
    def is_retired(self) -> bool:
        return self.status == LinkStatus.RETIRED

    def edit(self, *, by, revision: int, **changes) -> Change | None:
        """Save new wording or relation. An edit to an approved link by someone who
        cannot approve it goes back to proposed, so published text is always approved."""
        if self.status == LinkStatus.APPROVED and not has_role(by, Role.PUBLISHER):
            changes["status"] = LinkStatus.PROPOSED
        return Change.objects.apply(self, changes, by=by, revision=revision)

    def propose(self, *, by) -> Change | None:
        if self.status != LinkStatus.DRAFT:
            raise ValidationError("Only a draft can be proposed.")
        return Change.objects.apply(self, {"status": LinkStatus.PROPOSED}, by=by)

    def approve(self, *, by) -> Change | None:
        if self.status not in (LinkStatus.DRAFT, LinkStatus.PROPOSED):
            raise ValidationError("Only a draft or proposed link can be approved.")
        return Change.objects.apply(self, {"status": LinkStatus.APPROVED}, by=by)

    def retire(self, *, by, reason: str, revision: int | None = None) -> Change | None:
        reason = reason.strip()
        if not reason:
            raise ValidationError({"retired_reason": "Say why the link is being retired."})
        if self.is_retired:
            raise ValidationError("This link is already retired.")
        changes = {"status": LinkStatus.RETIRED, "retired_reason": reason}
        return Change.objects.apply(self, changes, by=by, revision=revision, reason=reason)

    def restore(self, *, by) -> Change | None:
        """Bring a retired link back as a draft, to be proposed and approved again."""
        if not self.is_retired:
            raise ValidationError("Only a retired link can be restored.")
        changes = {"status": LinkStatus.DRAFT, "retired_reason": ""}
        return Change.objects.apply(self, changes, by=by)

    def clean(self) -> None:
        super().clean()
        self.rationale = self.rationale.strip()
        errors = {}
        if not self.rationale:
            errors["rationale"] = "Say why the behaviour relates to the standard."
        if self.mapping_id:
            mapping = self.mapping
            if self.behaviour_id and self.behaviour.framework_id != mapping.behaviours_framework_id:
                errors["behaviour"] = f"Choose an element of {mapping.behaviours_framework}."
            if self.standard_id and self.standard.framework_id != mapping.standards_framework_id:
                errors["standard"] = f"Choose an element of {mapping.standards_framework}."
        if errors:
            raise ValidationError(errors)


class ReviewedGap(models.Model):
    """An element that was reviewed and deliberately left without links, and why.

    Coverage reports keep these apart from elements that nobody has looked at yet.
    """

    mapping = models.ForeignKey(Mapping, on_delete=models.CASCADE, related_name="reviewed_gaps")
    element = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(help_text="Why this element is deliberately left unlinked.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["mapping", "element__code"]
        verbose_name = "reviewed gap"
        constraints = [
            models.UniqueConstraint(fields=["mapping", "element"], name="reviewed_gap_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="reviewed_gap_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.element.code} left unlinked in {self.mapping}"

    def clean(self) -> None:
        super().clean()
        self.reason = self.reason.strip()
        errors = {}
        if not self.reason:
            errors["reason"] = "Say why this is deliberately left unlinked."
        if (
            self.mapping_id
            and self.element_id
            and self.element.framework_id
            not in (
                self.mapping.behaviours_framework_id,
                self.mapping.standards_framework_id,
            )
        ):
            errors["element"] = "Choose an element of one of the mapping's two frameworks."
        if errors:
            raise ValidationError(errors)


def tracked_values(instance: models.Model) -> dict[str, Any]:
    """The fields the change history records of a link, element or framework."""
    return {name: getattr(instance, name) for name in instance.history_fields}


class EditConflict(Exception):
    """Someone else saved the object after the editor opened it."""

    def __init__(self, current: models.Model) -> None:
        super().__init__("Someone else saved this since you opened it.")
        self.current = current


class ChangeQuerySet(models.QuerySet):
    def for_object(self, instance: models.Model) -> ChangeQuerySet:
        return self.filter(subject_type=instance._meta.model_name, subject_id=instance.pk)

    def with_people(self) -> ChangeQuerySet:
        return self.select_related("user", "reverts", "reverted_by")

    def since(self, moment) -> ChangeQuerySet:
        return self.filter(at__gt=moment)

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
        return self.create(
            mapping_id=getattr(instance, "mapping_id", None),
            subject_type=instance._meta.model_name,
            subject_id=instance.pk,
            subject_label=instance.history_label,
            action=action,
            before=before,
            after=tracked_values(instance) if action != Change.Action.DELETED else {},
            reason=reason,
            user=by if by is not None and by.is_authenticated else None,
            reverts=reverts,
        )

    @transaction.atomic
    def retire_element(
        self, element: Element, *, by, reason: str, revision: int | None = None
    ) -> Change:
        """Retire an element, everything under it and every live link they have: they
        leave the live register and stay in the history. Editions keep them."""
        reason = reason.strip()
        if not reason:
            raise ValidationError({"reason": "Say why the element is being retired."})
        if element.retired:
            raise ValidationError(f"{element.code} is already retired.")
        change = self.apply(
            element, {"retired": True, "retired_reason": reason}, by=by, revision=revision,
            reason=reason,
        )  # fmt: skip
        along = f"Retired with {element.code}: {reason}"
        pairs = Element.objects.filter(framework_id=element.framework_id).parent_map()
        below = subtree_ids(pairs.items(), element.pk) - {element.pk}
        for child in Element.objects.current().filter(pk__in=below).order_by("pk"):
            self.apply(child, {"retired": True, "retired_reason": along}, by=by, reason=along)
        touching = Link.objects.current().filter(
            Q(behaviour_id__in=below | {element.pk}) | Q(standard_id__in=below | {element.pk})
        )
        for link in touching.select_related("behaviour", "standard").order_by("pk"):
            link.retire(by=by, reason=along)
        return change

    def retire_framework(
        self, framework: Framework, *, by, reason: str, revision: int | None = None
    ) -> Change:
        """Retire a framework nobody maps: it leaves the lists and stays in the history."""
        reason = reason.strip()
        if not reason:
            raise ValidationError({"reason": "Say why the framework is being retired."})
        if framework.retired:
            raise ValidationError(f"{framework.name} is already retired.")
        using = Mapping.objects.filter(
            Q(behaviours_framework=framework) | Q(standards_framework=framework)
        ).first()
        if using is not None:
            raise ValidationError(
                f"{framework.name} is mapped in {using.name}, so it cannot be retired; "
                "retire the elements that are no longer used instead."
            )
        return self.apply(
            framework, {"retired": True, "retired_reason": reason}, by=by, revision=revision,
            reason=reason,
        )  # fmt: skip

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

        revision is the one the editor's form was opened at: if the row has moved on since,
        EditConflict carries the current row and nothing is written. The update itself is
        conditional on the revision, so two saves racing each other cannot both win.
        Returns the recorded change, or None when nothing actually changed.
        """
        model = type(instance)
        current = model.objects.select_for_update().get(pk=instance.pk)
        if revision is not None and current.revision != revision:
            raise EditConflict(current)
        before = tracked_values(current)
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean()
        if tracked_values(current) == before:
            return None
        values = {name: getattr(current, name) for name in changes}
        values |= {"revision": current.revision + 1, "updated_at": timezone.now()}
        if model is Link:
            values["updated_by"] = by
        updated = model.objects.filter(pk=current.pk, revision=current.revision).update(**values)
        if not updated:
            raise EditConflict(model.objects.get(pk=current.pk))
        for name, value in values.items():
            setattr(current, name, value)
            setattr(instance, name, value)
        action = Change.Action.REVERTED if reverts else _action_for(model, before, current)
        return self.record(
            current, action=action, before=before, by=by, reason=reason, reverts=reverts
        )


def _action_for(model, before: dict, after: models.Model) -> str:
    if model in (Element, Framework) and before["retired"] != after.retired:
        return Change.Action.RETIRED if after.retired else Change.Action.RESTORED
    if model is not Link or before["status"] == after.status:
        return Change.Action.EDITED
    if after.status == LinkStatus.RETIRED:
        return Change.Action.RETIRED
    if before["status"] == LinkStatus.RETIRED:
        return Change.Action.RESTORED
    if after.status == LinkStatus.APPROVED:
        return Change.Action.APPROVED
    wording_changed = any(
        before[name] != getattr(after, name) for name in ("relation", "rationale", "example")
    )
    if after.status == LinkStatus.PROPOSED and not wording_changed:
        return Change.Action.PROPOSED
    return Change.Action.EDITED


class Change(models.Model):
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
        RETIRED = "retired", "Retired"
        RESTORED = "restored", "Restored"
        REVERTED = "reverted", "Reverted"
        DELETED = "deleted", "Deleted"

    mapping = models.ForeignKey(
        Mapping, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    subject_type = models.CharField(max_length=10, choices=Subject.choices)
    subject_id = models.PositiveIntegerField()
    subject_label = models.CharField(max_length=400, help_text="What it was called then.")
    action = models.CharField(max_length=10, choices=Action.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
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

    @property
    def who(self) -> str:
        if self.user is None:
            return "someone no longer registered"
        return self.user.get_full_name() or self.user.get_username()

    @property
    def differences(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for each field this change altered."""
        names = list(dict.fromkeys([*self.before, *self.after]))
        return [
            (name.removesuffix("_id"), self.before.get(name), self.after.get(name))
            for name in names
            if self.before.get(name) != self.after.get(name)
        ]

    @property
    def subject_model(self) -> type[models.Model]:
        return {"link": Link, "element": Element, "framework": Framework}[self.subject_type]

    def subject(self) -> models.Model | None:
        return self.subject_model.objects.filter(pk=self.subject_id).first()

    @property
    def can_be_reverted(self) -> bool:
        """Whether revert makes sense at all; revert() still checks the data first."""
        if hasattr(self, "reverted_by") or self.action == Change.Action.DELETED:
            return False
        return self.action != Change.Action.CREATED or self.subject_type in ("link", "element")

    @transaction.atomic
    def revert(self, *, by) -> Change:
        """Undo this change, as a change of its own. Refused if anything has changed the
        same fields since, so a revert never silently discards someone else's work."""
        if hasattr(self, "reverted_by"):
            raise ValidationError("This change has already been reverted.")
        subject = self.subject()
        if subject is None:
            raise ValidationError(f"{self.subject_label} no longer exists.")
        reason = f"Reverts change {self.pk}."
        if self.action == Change.Action.CREATED:
            return self._revert_creation(subject, by=by, reason=reason)
        now = tracked_values(subject)
        changed = {
            name
            for name in self.after
            if name in self.before and self.after[name] != self.before[name]
        }
        if any(now.get(name) != self.after[name] for name in changed):
            raise ValidationError(
                f"{self.subject_label} has been changed again since; revert the later "
                "changes first."
            )
        values = {name: self.before[name] for name in changed}
        change = Change.objects.apply(subject, values, by=by, reason=reason, reverts=self)
        if change is None:
            raise ValidationError("Reverting this change would change nothing.")
        return change

    def _revert_creation(self, subject, *, by, reason: str) -> Change:
        if isinstance(subject, Link):
            if subject.is_retired:
                raise ValidationError("This link has already been retired.")
            changes = {"status": LinkStatus.RETIRED, "retired_reason": reason}
            return Change.objects.apply(subject, changes, by=by, reason=reason, reverts=self)
        if isinstance(subject, Element):
            if (
                subject.children.exists()
                or subject.links_as_behaviour.exists()
                or (subject.links_as_standard.exists())
            ):
                raise ValidationError(
                    f"{subject.code} now has links or elements under it, so it cannot be "
                    "removed; edit it instead."
                )
            before = tracked_values(subject)
            change = Change.objects.record(
                subject, action=Change.Action.DELETED, before=before, by=by, reason=reason,
                reverts=self,
            )  # fmt: skip
            subject.delete()
            return change
        raise ValidationError("A new framework cannot be reverted; edit it instead.")


class EditionQuerySet(models.QuerySet):
    def latest_first(self) -> EditionQuerySet:
        return self.order_by("-number")

    def with_changes_since(self) -> EditionQuerySet:
        """Each edition with how many changes to the register were recorded after it."""
        # COUNT() as a plain function, so the subquery counts every row without GROUP BY.
        count = models.Func(F("pk"), function="COUNT", output_field=models.IntegerField())
        later = (
            Change.objects.filter(at__gt=models.OuterRef("published_at"))
            .order_by()
            .annotate(count=count)
            .values("count")
        )
        return self.annotate(changes_since=models.Subquery(later))

    @transaction.atomic
    def publish(self, mapping: Mapping, *, by, title: str, notes: str = "") -> Edition:
        """Freeze the register as it is now (frameworks, elements, approved links and the
        guide text) as the mapping's next edition."""
        from mapping.editions import take_snapshot

        snapshot = take_snapshot(mapping)
        last = self.filter(mapping=mapping).select_for_update().order_by("-number").first()
        content = snapshot.model_dump_json()
        return self.create(
            mapping=mapping,
            number=(last.number + 1) if last else 1,
            title=title.strip(),
            notes=notes.strip(),
            published_by=by,
            snapshot=snapshot.model_dump(mode="json"),
            digest=hashlib.sha256(content.encode()).hexdigest(),
        )


class Edition(models.Model):
    """The register as published on a day, frozen: its pages never change afterwards."""

    mapping = models.ForeignKey(Mapping, on_delete=models.PROTECT, related_name="editions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True, help_text="What is new in this edition.")
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    snapshot = models.JSONField(editable=False)
    digest = models.CharField(max_length=64, editable=False)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["mapping", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["mapping", "number"], name="edition_number_unique"),
            models.CheckConstraint(condition=~Q(title=""), name="edition_title_required"),
        ]

    def __str__(self) -> str:
        return f"Edition {self.number}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError("A published edition cannot be changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("edition_guide", args=[self.number])

    def delete(self, *args, **kwargs):
        raise ValidationError("A published edition cannot be deleted.")

    def register(self):
        """The register as this edition froze it, rebuilt in memory.

        An edition never changes, so each process keeps the last few it rebuilt: rebuilding
        is most of an edition page's cost (about 0.5 s at 10,000 links).
        """
        from mapping.editions import EditionSnapshot

        key = (self.pk, self.digest)
        register = _REBUILT_EDITIONS.pop(key, None)
        if register is None:
            register = EditionSnapshot.model_validate(self.snapshot).materialise(self)
        _REBUILT_EDITIONS[key] = register  # most recently used last
        while len(_REBUILT_EDITIONS) > REBUILT_EDITIONS_KEPT:
            del _REBUILT_EDITIONS[next(iter(_REBUILT_EDITIONS))]
        return register


REBUILT_EDITIONS_KEPT = 8
_REBUILT_EDITIONS: dict = {}
