"""The frozen rows of an edition: its copies of the register's two frameworks, their
elements, the approved links, the reviewed gaps and the links inferred through crosswalks,
written once when it is published (mapping/models/editions.py) and refused any change
afterwards by the database. Each remembers the live row it was copied from."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from mapping.models.link_rows import LinkClaim, LinkRowQuerySet, Side
from mapping.models.links import LinkStatus
from standards.models import Element, ElementText, Framework, FrameworkText


class EditionFramework(FrameworkText):
    """One of the register's two frameworks (its source or its target) as an edition froze
    it."""

    edition = models.ForeignKey(
        "mapping.Edition", on_delete=models.CASCADE, related_name="frameworks"
    )
    # The live framework it was copied from; it may since have been changed or deleted.
    framework = models.ForeignKey(
        Framework, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    slug = models.SlugField(max_length=80)
    side = models.CharField(max_length=6, choices=Side.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "side"], name="edition_framework_unique"),
            models.CheckConstraint(
                condition=Q(side__in=Side.values), name="edition_framework_side_valid"
            ),
        ]


class EditionElement(ElementText):
    """An element as an edition froze it."""

    edition = models.ForeignKey(
        "mapping.Edition", on_delete=models.CASCADE, related_name="elements"
    )
    framework = models.ForeignKey(
        EditionFramework, on_delete=models.CASCADE, related_name="elements"
    )
    element = models.ForeignKey(
        Element, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )

    retired = False  # an edition holds only the elements that were current

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="edition_element_code_unique"
            ),
            models.UniqueConstraint(fields=["edition", "element"], name="edition_element_once"),
        ]


class EditionLinkQuerySet(LinkRowQuerySet):
    pass


class EditionLink(LinkClaim):
    """An approved link as an edition froze it."""

    edition = models.ForeignKey("mapping.Edition", on_delete=models.CASCADE, related_name="links")
    # The live link it was copied from: its id is the link's id in every register.
    link = models.ForeignKey(
        "mapping.Link", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    source = models.ForeignKey(EditionElement, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(EditionElement, on_delete=models.CASCADE, related_name="+")
    updated_at = models.DateTimeField()

    objects = EditionLinkQuerySet.as_manager()

    stable_id = "link_id"
    # Only approved links go into an edition.
    status = LinkStatus.APPROVED
    is_draft = is_retired = can_be_proposed = can_be_approved = False
    is_approved = True

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "link"], name="edition_link_once"),
            models.UniqueConstraint(
                fields=["edition", "source", "target"], name="edition_link_pair_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["edition", "source_rank", "target_rank", "link"],
                name="edition_link_by_source",
            ),
            models.Index(
                fields=["edition", "target_rank", "source_rank", "link"],
                name="edition_link_by_target",
            ),
            models.Index(
                fields=["edition", "relation_rank", "source_rank", "target_rank", "link"],
                name="edition_link_by_relation",
            ),
            models.Index(fields=["edition", "updated_at", "link"], name="edition_link_by_updated"),
        ]

    def get_status_display(self) -> str:
        return LinkStatus.APPROVED.label


class EditionGap(models.Model):
    """A reviewed gap as an edition froze it."""

    edition = models.ForeignKey(
        "mapping.Edition", on_delete=models.CASCADE, related_name="reviewed_gaps"
    )
    element = models.ForeignKey(EditionElement, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    decided_by_name = models.CharField(max_length=300, blank=True)
    decided_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.element.code} left unlinked in edition {self.edition.number}"


class EditionInferred(models.Model):
    """A link inferred through a crosswalk, as an edition froze it: the pair, the strongest
    relation of its paths, and that path (the element it went through and both steps), so
    that the edition says what was suggested without reading any live register."""

    edition = models.ForeignKey(
        "mapping.Edition", on_delete=models.CASCADE, related_name="inferred"
    )
    source = models.ForeignKey(EditionElement, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(EditionElement, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField(max_length=20)
    paths = models.PositiveIntegerField()
    via_code = models.CharField(max_length=32)
    via_title = models.CharField(max_length=300)
    # The strongest path's two steps, as their registers said them then.
    first = models.JSONField()
    second = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "source", "target"], name="edition_inferred_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.code} → {self.target.code}, inferred in edition"
