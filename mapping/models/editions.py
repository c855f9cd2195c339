"""Editions: a mapping's register frozen as rows when published, read by the same queries
as the live register, and never changed afterwards (the database refuses it).

Each edition keeps its own copy of both frameworks, every element, the approved links and
the reviewed gaps, so later edits and deletions cannot reach it. Every frozen element and
link remembers the live row it was copied from, so a link keeps one id in every register.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Func, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from mapping.core.markdown import render_markdown
from mapping.core.statistics import FROZEN_TABLES, refresh_statistics
from mapping.models.events import announce
from mapping.models.frozen import (
    EditionElement,
    EditionFramework,
    EditionGap,
    EditionInferred,
    EditionLink,
)
from mapping.models.history import Change
from mapping.models.inference import inferred_for, strongest_paths
from mapping.models.link_rows import Side
from mapping.models.mappings import Mapping
from standards.models import Element
from standards.text import refuse_unprintable

FRAMEWORK_FIELDS = [
    "name", "slug", "kind", "publisher", "version_label", "year", "source_url", "citation_note",
    "description", "case_identifier",
]  # fmt: skip
ELEMENT_FIELDS = [
    "code", "title", "description", "level_label", "position", "source_check", "checked_on",
    "case_identifier", "tree_rank",
]  # fmt: skip
LINK_FIELDS = ["relation", "rationale", "example", "updated_at"]


class NothingToPublish(Exception):
    """The latest edition is the one asked for: the same title (whatever its notes), and the
    register holds just what it froze."""

    def __init__(self, latest: Edition) -> None:
        super().__init__(f"Nothing has changed since edition {latest.number}.")
        self.latest = latest


class EditionQuerySet(models.QuerySet):
    def latest_first(self) -> EditionQuerySet:
        return self.order_by("-number")

    def with_newest(self) -> EditionQuerySet:
        """Each edition with the number of its mapping's newest edition, as .newest."""
        newest = (
            Edition.objects.filter(mapping=OuterRef("mapping"))
            .order_by("-number")
            .values("number")[:1]
        )
        return self.annotate(newest=Subquery(newest))

    def with_changes_since(self) -> EditionQuerySet:
        """Each edition with how many changes to its own register (its mapping's links, its
        two frameworks and their elements) were recorded after it was published: changes to
        what it holds, not the checks that a link still holds."""
        # COUNT() as a plain function, so the subquery counts every row without GROUP BY.
        count = Func(F("pk"), function="COUNT", output_field=models.IntegerField())
        later = (
            Change.objects.of_register(
                OuterRef("mapping_id"),
                OuterRef("mapping__source_framework_id"),
                OuterRef("mapping__target_framework_id"),
            )
            .filter(at__gt=OuterRef("published_at"))
            .exclude(action=Change.Action.CHECKED)  # a record of a check changes nothing
            .order_by()
            .annotate(count=count)
            .values("count")
        )
        return self.annotate(changes_since=Subquery(later))

    @transaction.atomic
    def publish(self, mapping: Mapping, *, by, title: str, notes: str = "") -> Edition:
        """Freeze the register as it is now (both frameworks, their current elements, the
        approved links between current elements, the reviewed gaps, the links it infers
        through crosswalks, each with its strongest path, and the guide text) as the
        mapping's next edition."""
        # The mapping's row is locked first, so that publishes at the same moment take
        # their turns (each the next number) instead of colliding.
        mapping = (
            Mapping.objects.with_frameworks().select_for_update(of=("self",)).get(pk=mapping.pk)
        )
        last = self.filter(mapping=mapping).order_by("-number").first()
        content = _live_content(mapping)
        texts = {"register_name": mapping.name, "organisation": mapping.organisation,
                 "register_description": mapping.description,
                 "guide_intro": mapping.guide_intro}  # fmt: skip
        digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode())
        # The same edition again (a second press, the same form sent twice at once, other
        # notes alone) is refused; a new title for what the latest holds is a re-issue, and
        # is published.
        texts |= {"title": title.strip()}
        if (
            last is not None
            and last.digest == digest.hexdigest()
            and all(getattr(last, name) == text for name, text in texts.items())
        ):
            raise NothingToPublish(last)
        texts["notes"] = notes.strip()
        edition = self.create(
            mapping=mapping,
            number=(last.number + 1) if last else 1,
            published_by=by if by is not None and by.is_authenticated else None,
            digest=digest.hexdigest(),
            **texts,
        )
        edition._freeze(content)
        refresh_statistics(FROZEN_TABLES)
        announce(action="published", subject_type="edition", subject_id=edition.pk,
                 mapping_ids=[mapping.pk], by=by)  # fmt: skip
        return edition


def _live_content(mapping: Mapping) -> dict:
    """Everything an edition keeps, as plain rows, in the live register's id order."""
    sides = {Side.SOURCE: mapping.source_framework, Side.TARGET: mapping.target_framework}
    frameworks = list(sides.values())
    elements = (
        Element.objects.current()
        .filter(framework__in=frameworks)
        .order_by("pk")
        .values("pk", "framework_id", "parent_id", *ELEMENT_FIELDS)
    )
    links = (
        mapping.links.approved()
        .filter(source__retired=False, target__retired=False)
        .order_by("pk")
        .values("pk", "source_id", "target_id", *LINK_FIELDS)
    )
    elements, links = list(elements), list(links)
    covered = _covered({e["pk"]: e["parent_id"] for e in elements}, links)
    # A gap decided before the element was linked is no longer one: left out, as coverage
    # leaves it out (it is covered).
    gaps = [gap for gap in mapping.reviewed_gaps.select_related("decided_by").order_by("pk")
            if gap.element_id not in covered]  # fmt: skip
    return {
        "register": [mapping.name, mapping.organisation, mapping.description, mapping.guide_intro],
        "frameworks": [
            {
                "pk": f.pk,
                "side": side,
                **{name: getattr(f, name) for name in FRAMEWORK_FIELDS},
                # only where said, so that an unchanged register's digest is what it was
                **({"level_plurals": f.level_plurals} if f.level_plurals else {}),
            }
            for side, f in sides.items()
        ],
        "elements": elements,
        "links": links,
        "inferred": _inferred_content(mapping),
        "gaps": [
            {
                "element_id": gap.element_id,
                "reason": gap.reason,
                "decided_by_name": gap.decided_by_name,
                "decided_at": gap.decided_at,
            }
            for gap in gaps
        ],
    }


def _covered(parents: dict[int, int | None], links: list[dict]) -> set[int]:
    """The ids of the elements a link reaches, and of everything they sit under."""
    covered: set[int] = set()
    for link in links:
        for end in (link["source_id"], link["target_id"]):
            while end is not None and end not in covered:
                covered.add(end)
                end = parents.get(end)
    return covered


def _inferred_content(mapping: Mapping) -> list[dict]:
    """The links the register infers through crosswalks, each with its strongest path."""
    inferred = inferred_for(mapping, published=True)
    return [
        {"source_id": link.source_id, "target_id": link.target_id, "relation": link.relation,
         "paths": link.paths, "via_code": path.via_code, "via_title": path.via_title,
         "first": asdict(path.first), "second": asdict(path.second)}
        for link, path in zip(inferred, strongest_paths(inferred), strict=True)
    ]  # fmt: skip


class Edition(models.Model):
    """The register as published on a day, frozen: its pages never change afterwards."""

    mapping = models.ForeignKey(Mapping, on_delete=models.PROTECT, related_name="editions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200, validators=[refuse_unprintable])
    notes = models.TextField(
        blank=True,
        max_length=10_000,
        help_text="What is new in it.",
        validators=[refuse_unprintable],
    )
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The register's own words as they stood when it was published.
    register_name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    register_description = models.TextField(blank=True)
    guide_intro = models.TextField(blank=True)
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
        return reverse("home", kwargs={**self.mapping.url_kwargs, "number": self.number})

    def delete(self, *args, **kwargs):
        raise ValidationError("A published edition cannot be deleted.")

    @property
    def details_changed(self) -> bool:
        """Whether the register's own words (its name, organisation, description and the
        guide's introduction) differ now from what this edition froze: they are no change
        in the history, but a new edition would read differently."""
        mapping = self.mapping
        return (mapping.name, mapping.organisation, mapping.description, mapping.guide_intro) != (
            self.register_name,
            self.organisation,
            self.register_description,
            self.guide_intro,
        )

    @property
    def guide_intro_html(self) -> str:
        return render_markdown(self.guide_intro)

    def _freeze(self, content: dict) -> None:
        """Write the frozen rows: frameworks, then elements level by level (a parent is
        in place before its children), then links and gaps."""
        frameworks = {
            row["pk"]: EditionFramework.objects.create(
                edition=self,
                framework_id=row["pk"],
                side=row["side"],
                level_plurals=row.get("level_plurals", {}),
                **{k: row[k] for k in FRAMEWORK_FIELDS},
            )
            for row in content["frameworks"]
        }
        rows = {row["pk"]: row for row in content["elements"]}
        frozen: dict[int, EditionElement] = {}
        waiting = list(rows.values())
        while waiting:
            ready = [
                row for row in waiting if row["parent_id"] is None or row["parent_id"] in frozen
                or row["parent_id"] not in rows
            ]  # fmt: skip
            created = EditionElement.objects.bulk_create(
                EditionElement(
                    edition=self,
                    framework=frameworks[row["framework_id"]],
                    element_id=row["pk"],
                    parent=frozen.get(row["parent_id"]),
                    **{k: row[k] for k in ELEMENT_FIELDS},
                )
                for row in ready
            )
            frozen |= {element.element_id: element for element in created}
            waiting = [row for row in waiting if row["pk"] not in frozen]
        EditionLink.objects.bulk_create(
            (
                EditionLink(
                    edition=self,
                    link_id=row["pk"],
                    source=frozen[row["source_id"]],
                    target=frozen[row["target_id"]],
                    **{k: row[k] for k in LINK_FIELDS},
                )
                for row in content["links"]
            ),
            batch_size=2000,
        )
        EditionGap.objects.bulk_create(
            EditionGap(
                edition=self,
                element=frozen[gap["element_id"]],
                **{k: v for k, v in gap.items() if k != "element_id"},
            )
            for gap in content["gaps"]
            if gap["element_id"] in frozen
        )
        EditionInferred.objects.bulk_create(
            (
                EditionInferred(
                    edition=self, source=frozen[row["source_id"]], target=frozen[row["target_id"]],
                    relation=row["relation"], paths=row["paths"], via_code=row["via_code"],
                    via_title=row["via_title"], first=row["first"], second=row["second"],
                )
                for row in content["inferred"]
                if row["source_id"] in frozen and row["target_id"] in frozen
            ),
            batch_size=2000,
        )  # fmt: skip
