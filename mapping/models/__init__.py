"""The register's models, one module per capability; importable from here as Django expects."""

from mapping.models.editions import Edition
from mapping.models.frozen import (
    EditionElement,
    EditionFramework,
    EditionGap,
    EditionInferred,
    EditionLink,
)
from mapping.models.history import Change, EditConflict
from mapping.models.imports import ImportBatch
from mapping.models.inference import ReviewedPair
from mapping.models.link_rows import LinkSort, Relation, Side
from mapping.models.links import Link, LinkStatus
from mapping.models.mappings import Mapping, ReviewedGap
from mapping.models.memberships import Membership, Role
from mapping.models.people import Audit, AuditEntry, Invitation
from mapping.models.tokens import ApiToken
from mapping.models.tracked import tracked_values

__all__ = [
    "ApiToken",
    "Audit",
    "AuditEntry",
    "Change",
    "EditConflict",
    "Edition",
    "EditionElement",
    "EditionFramework",
    "EditionGap",
    "EditionInferred",
    "EditionLink",
    "ImportBatch",
    "Invitation",
    "Link",
    "LinkSort",
    "LinkStatus",
    "Mapping",
    "Membership",
    "Relation",
    "ReviewedGap",
    "ReviewedPair",
    "Role",
    "Side",
    "tracked_values",
]
