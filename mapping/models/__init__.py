"""The register's models, one module per capability; importable from here as Django expects."""

from mapping.models.editions import (
    Edition,
    EditionElement,
    EditionFramework,
    EditionGap,
    EditionLink,
)
from mapping.models.history import Change, EditConflict, tracked_values
from mapping.models.imports import ImportBatch
from mapping.models.link_rows import LinkSort, Relation, Side
from mapping.models.links import Link, LinkStatus
from mapping.models.mappings import Mapping, ReviewedGap
from mapping.models.memberships import Membership, Role
from mapping.models.tokens import ApiToken

__all__ = [
    "ApiToken",
    "Change",
    "EditConflict",
    "Edition",
    "EditionElement",
    "EditionFramework",
    "EditionGap",
    "EditionLink",
    "ImportBatch",
    "Link",
    "LinkSort",
    "LinkStatus",
    "Mapping",
    "Membership",
    "Relation",
    "ReviewedGap",
    "Role",
    "Side",
    "tracked_values",
]
