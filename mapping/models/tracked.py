"""What the change history records of a link, element or framework, and how it reads."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from mapping.models.link_rows import LinkStatus, Relation


def tracked_values(instance: models.Model) -> dict[str, Any]:
    """The fields the change history records of a link, element or framework, as the JSON
    they are stored as (a date as YYYY-MM-DD)."""
    return {name: _as_json(getattr(instance, name)) for name in instance.history_fields}


def _as_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def field_label(model: type[models.Model], name: str) -> str:
    """A recorded field as the history names it: "why it was retired", not "retired_reason"."""
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name.removesuffix("_id").replace("_", " ")


def in_words(name: str, value: Any) -> Any:
    """A recorded value as the history shows it: a relation or a status in words ("Partly
    covers", "Proposed")."""
    if name == "relation" and value in Relation.values:
        return Relation(value).label
    if name == "status" and value in LinkStatus.values:
        return LinkStatus(value).label
    if name == "level_plurals" and isinstance(value, dict):  # "Ymddygiad → Ymddygiadau"
        return "; ".join(f"{level} → {plural}" for level, plural in value.items()) or None
    return value
