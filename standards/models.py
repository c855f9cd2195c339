"""Frameworks and their elements: a behaviours framework and a standards framework are the
same kind of thing, a tree of coded elements. This app knows nothing of mappings."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from standards.levels import plural_in
from standards.text import refuse_unprintable

# Also importable from here, where most callers look for them.
from standards.trees import subtree_ids as subtree_ids
from standards.trees import tree_order

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
code_validator = RegexValidator(
    CODE_PATTERN,
    "Use letters, digits, dots, hyphens and underscores, starting with a letter or digit.",
)
# What every form, import and export agrees on (standards/schemas.py says the same).
YEAR_RANGE = (1800, 2200)
POSITION_MAX = 100_000
year_validators = [
    MinValueValidator(YEAR_RANGE[0], f"Give a year from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}."),
    MaxValueValidator(YEAR_RANGE[1], f"Give a year from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}."),
]
position_validators = [
    MaxValueValidator(POSITION_MAX, f"Give a position no higher than {POSITION_MAX:,}."),
]
# Addresses of pages of their own beside /frameworks/<slug>/.
RESERVED_FRAMEWORK_SLUGS = frozenset({"new", "import"})


def framework_slug_validator(value: str) -> None:
    if value in RESERVED_FRAMEWORK_SLUGS:
        raise ValidationError(f"“{value}” is the address of a page of its own: choose another.")


class FrameworkKind(models.TextChoices):
    BEHAVIOURS = "behaviours", "Behaviours framework"
    STANDARDS = "standards", "Standards framework"


class FrameworkText(models.Model):
    """What a framework says about itself: shared by live frameworks and frozen copies."""

    Kind = FrameworkKind

    name = models.CharField(max_length=200, validators=[refuse_unprintable])
    kind = models.CharField(max_length=20, choices=FrameworkKind.choices)
    publisher = models.CharField(max_length=200, validators=[refuse_unprintable])
    version_label = models.CharField(max_length=60, blank=True, validators=[refuse_unprintable])
    year = models.PositiveSmallIntegerField(null=True, blank=True, validators=year_validators)
    source_url = models.URLField(blank=True)
    citation_note = models.TextField(
        "how to cite / licence note",
        blank=True,
        max_length=5_000,
        help_text="Who owns the wording and how to cite or reuse it.",
        validators=[refuse_unprintable],
    )
    description = models.TextField(blank=True, max_length=20_000, validators=[refuse_unprintable])
    # The identifier in CASE (Competencies and Academic Standards Exchange), kept when it
    # came from a CASE package, so that exports and later packages name it the same way.
    case_identifier = models.UUIDField("CASE identifier", null=True, blank=True)
    # A level name → its plural, where English's -s would be wrong (standards/levels.py).
    level_plurals = models.JSONField(
        "plurals of its level names", default=dict, blank=True,
        help_text='Where adding an "s" is wrong: "Ymddygiad" → "Ymddygiadau".',
    )  # fmt: skip

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def plural_of(self, level: str) -> str:
        """A level name in the plural, as this framework says it (standards/levels.py)."""
        return plural_in(self.level_plurals, level)

    @property
    def name_with_version(self) -> str:
        """Its name with its version ("CIH Professional Standards 2026"), unless the name
        says it already."""
        label = self.version_label or (str(self.year) if self.year else "")
        return f"{self.name} {label}" if label and label not in self.name else self.name

    @property
    def choice_label(self) -> str:
        """The framework as a list of choices names it: two versions, or two frameworks
        with the same name, told apart by version, year, kind and address."""
        year = str(self.year or "")
        said = ", ".join(dict.fromkeys(filter(None, (self.version_label, year))))
        return f"{self.name}{f', {said}' if said else ''} ({self.get_kind_display().lower()}, " \
            f"{self.slug})"  # fmt: skip


class Framework(FrameworkText):
    """A published set of elements: an organisation's behaviours or a body's standards."""

    slug = models.SlugField(max_length=80, unique=True, validators=[framework_slug_validator])
    case_identifier = models.UUIDField("CASE identifier", null=True, blank=True, unique=True)
    retired = models.BooleanField(default=False)
    retired_reason = models.TextField(
        "why it was retired", blank=True, max_length=2_000, validators=[refuse_unprintable]
    )
    # Counts saves, so an edit made from a stale form is refused rather than lost.
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The framework this one is a newer version of (CIH's standards of 2021, say).
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by",
        help_text="The framework this is a new version of, if any.",
    )  # fmt: skip

    # What the change history records of each edit.
    history_fields = (
        "name", "publisher", "version_label", "year", "source_url", "citation_note",
        "description", "retired", "retired_reason", "replaces_id", "level_plurals",
    )  # fmt: skip

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["behaviours", "standards"]),
                name="framework_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(retired=False) | ~Q(retired_reason=""),
                name="framework_retired_has_reason",
            ),
        ]

    @property
    def history_label(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.replaces_id is None:
            return
        old = self.replaces
        if old.pk == self.pk:
            raise ValidationError({"replaces": "A framework cannot be a new version of itself."})
        if old.kind != self.kind:
            raise ValidationError({"replaces": f"{old.name} is a {old.get_kind_display().lower()}"
                                   f": a new version of it must be one too."})  # fmt: skip
        seen, earlier = {self.pk}, old
        while earlier is not None:
            if earlier.pk in seen:
                said = (f"{old.name} is already a later version of {self.name}: versions "
                        "cannot go round in a circle.")  # fmt: skip
                raise ValidationError({"replaces": said})
            seen.add(earlier.pk)
            earlier = earlier.replaces


class ElementQuerySet(models.QuerySet):
    def current(self) -> ElementQuerySet:
        """The elements the live register shows: everything but retired ones."""
        return self.filter(retired=False)

    def parent_map(self) -> dict[int, int | None]:
        """Each element's id mapped to its parent's id: the whole tree in one query."""
        return dict(self.values_list("pk", "parent_id"))

    def in_tree_order(self) -> list[Element]:
        """The elements depth-first, each parent followed by its children by position."""
        return tree_order(self.order_by("position", "code"))

    def renumber(self, framework_ids: Iterable[int]) -> int:
        """Store each element's place in its framework's tree order (retired ones too) as
        its tree_rank, after every write that adds or moves elements; returns how many."""
        changed = []
        for framework_id in set(framework_ids):
            elements = self.model.objects.filter(framework_id=framework_id).only(
                "pk", "parent_id", "position", "code", "tree_rank"
            )
            for rank, element in enumerate(elements.in_tree_order(), start=1):
                if element.tree_rank != rank:
                    element.tree_rank = rank
                    changed.append(element)
        self.model.objects.bulk_update(changed, ["tree_rank"], batch_size=500)
        return len(changed)


class SourceCheck(models.TextChoices):
    """How far an element's words can be trusted as the publisher's own."""

    UNCHECKED = "unchecked", "Paraphrase, not checked against the source"
    CHECKED = "checked", "Checked against the publisher's wording"
    NOT_PUBLISHED = "not_published", "Not part of the published standards"


class ElementText(models.Model):
    """What an element says: shared by live elements and their frozen copies."""

    code = models.CharField(max_length=32, validators=[code_validator])
    title = models.CharField(max_length=300, validators=[refuse_unprintable])
    description = models.TextField(blank=True, max_length=20_000, validators=[refuse_unprintable])
    level_label = models.CharField(
        max_length=60, validators=[refuse_unprintable],
        help_text='For example "Behaviour" or "Standard statement".',
    )  # fmt: skip
    position = models.PositiveIntegerField(default=0, validators=position_validators)
    source_check = models.CharField(
        "wording",
        max_length=20,
        choices=SourceCheck.choices,
        default=SourceCheck.UNCHECKED,
        help_text="Whether the title and description were checked against the publisher's "
        "own wording.",
    )
    checked_on = models.DateField(
        "checked on", null=True, blank=True, help_text="When the wording was checked."
    )
    case_identifier = models.UUIDField("CASE identifier", null=True, blank=True)
    # The element's place in its framework's tree order (depth-first, siblings by position
    # and code), kept by ElementQuerySet.renumber, so that lists sort by an indexed number.
    tree_rank = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_checked(self) -> bool:
        return self.source_check == SourceCheck.CHECKED

    @property
    def is_unchecked(self) -> bool:
        return self.source_check == SourceCheck.UNCHECKED

    @property
    def is_not_published(self) -> bool:
        return self.source_check == SourceCheck.NOT_PUBLISHED

    @property
    def history_label(self) -> str:
        return f"{self.code} {self.title}"

    def ancestors(self) -> list:
        chain: list = []
        node = self.parent
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return chain


class Element(ElementText):
    """One node of a framework: a behaviour, a descriptor, a characteristic, a statement."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="elements")
    # PROTECT: deleting a parent must never silently take its children with it.
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    retired = models.BooleanField(
        default=False, help_text="Retired elements leave the live register; editions keep them."
    )
    retired_reason = models.TextField(
        "why it was retired", blank=True, max_length=2_000, validators=[refuse_unprintable]
    )
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ElementQuerySet.as_manager()

    # What places an element in its framework's tree order (see tree_rank).
    TREE_FIELDS = frozenset({"parent", "parent_id", "position", "code"})

    history_fields = (
        "code", "title", "description", "level_label", "parent_id", "position", "retired",
        "retired_reason", "source_check", "checked_on",
    )  # fmt: skip

    class Meta:
        ordering = ["framework", "position", "code"]
        indexes = [models.Index(fields=["framework", "tree_rank"])]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="element_code_unique"),
            models.UniqueConstraint(
                fields=["framework", "case_identifier"], name="element_case_identifier_unique"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="element_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(retired=False) | ~Q(retired_reason=""),
                name="element_retired_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(source_check__in=SourceCheck.values),
                name="element_source_check_valid",
            ),
            models.CheckConstraint(
                condition=~Q(source_check=SourceCheck.CHECKED) | Q(checked_on__isnull=False),
                name="element_checked_has_date",
            ),
        ]

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if fields is None or self.TREE_FIELDS & set(fields):
            renumber_later([self.framework_id])

    def clean(self) -> None:
        super().clean()
        if self.is_checked and self.checked_on is None:
            raise ValidationError({"checked_on": "Say when the wording was checked."})
        if self.pk is not None and self.framework_id is not None:
            saved = type(self).objects.filter(pk=self.pk).values_list("framework_id", flat=True)
            if saved.first() not in (None, self.framework_id):
                raise ValidationError({"framework": "An element stays in its framework: add a "
                                       "new one to the other framework instead."})  # fmt: skip
        if self.parent_id is None:
            return
        if self.parent.framework_id != self.framework_id:
            raise ValidationError({"parent": "The parent must be in the same framework."})
        if self.pk is not None and (self.parent_id == self.pk or self in self.parent.ancestors()):
            raise ValidationError({"parent": "An element cannot sit under itself."})


@dataclass
class _Node:
    pk: object
    parent_id: object
    position: int
    code: str


def tree_ranks(rows: Iterable[tuple[object, object, int, str]]) -> dict[object, int]:
    """Each element's tree_rank, from (key, parent key, position, code) rows: for elements
    about to be written, before they have ids."""
    nodes = sorted((_Node(*row) for row in rows), key=lambda node: (node.position, node.code))
    return {node.pk: rank for rank, node in enumerate(tree_order(nodes), start=1)}


_waiting = threading.local()


@contextmanager
def renumbering_once() -> Iterator[None]:
    """Elements saved inside this get their tree ranks once, at the end, not after each
    save: for imports of many elements."""
    outer = getattr(_waiting, "frameworks", None)
    if outer is not None:
        yield
        return
    _waiting.frameworks = set()
    try:
        yield
        Element.objects.renumber(_waiting.frameworks)
    finally:
        _waiting.frameworks = None


def renumber_later(framework_ids: Iterable[int]) -> None:
    """Renumber these frameworks now, or at the end of the renumbering_once() around us."""
    waiting = getattr(_waiting, "frameworks", None)
    if waiting is None:
        Element.objects.renumber(framework_ids)
    else:
        waiting.update(framework_ids)
