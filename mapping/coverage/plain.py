"""What coverage reads of a link: a plain row, not a model instance (mapping/coverage/
rules.py counts them; the register's pages show them as they show links)."""

from __future__ import annotations

from dataclasses import dataclass

from mapping.models import LinkStatus, Relation
from standards.models import ElementText

RELATION_LABELS = dict(Relation.choices)


@dataclass(slots=True, eq=False)
class PlainLink:
    """What coverage reads of a link, as plain values from one narrow query rather than a
    model instance: the register gives it its address, coverage its two elements. It reads
    like a link (reference, get_relation_display) so pages show either alike."""

    pk: int
    link_id: int
    source_id: int
    target_id: int
    relation: str
    rationale: str
    example: str
    url: str = ""
    source: ElementText | None = None
    target: ElementText | None = None
    status: str = LinkStatus.APPROVED  # a live draft or proposal says so where it is shown

    def __str__(self) -> str:
        return f"{self.source.code} {self.get_relation_display().lower()} {self.target.code}"

    @property
    def is_approved(self) -> bool:
        return self.status == LinkStatus.APPROVED

    def get_status_display(self) -> str:
        return LinkStatus(self.status).label

    @property
    def reference(self) -> str:
        return f"{self.source.code} → {self.target.code}"

    def get_relation_display(self) -> str:
        return RELATION_LABELS[self.relation]
