"""Retiring elements and frameworks, and restoring them: they leave the live register and
stay in the history and in every edition. An element takes its subtree and their links
with it; a framework can go only when no mapping uses it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from mapping.models.history import Change
from mapping.models.links import Link
from mapping.models.mappings import Mapping
from standards.models import Element, Framework, subtree_ids


def _reason(reason: str, what: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": f"Say why the {what} is being retired."})
    return reason


@transaction.atomic
def retire_element(element: Element, *, by, reason: str, revision: int | None = None) -> Change:
    """Retire an element, everything under it and every live link they have."""
    reason = _reason(reason, "element")
    if element.retired:
        raise ValidationError(f"{element.code} is already retired.")
    change = Change.objects.apply(
        element, {"retired": True, "retired_reason": reason}, by=by, revision=revision,
        reason=reason,
    )  # fmt: skip
    along = f"Retired with {element.code}: {reason}"
    pairs = Element.objects.filter(framework_id=element.framework_id).parent_map()
    below = subtree_ids(pairs.items(), element.pk) - {element.pk}
    for child in Element.objects.current().filter(pk__in=below).order_by("pk"):
        Change.objects.apply(child, {"retired": True, "retired_reason": along}, by=by, reason=along)
    touching = Link.objects.current().touching(below | {element.pk})
    for link in touching.select_related("source", "target").order_by("pk"):
        link.retire(by=by, reason=along)
    return change


def retire_framework(
    framework: Framework, *, by, reason: str, revision: int | None = None
) -> Change:
    """Retire a framework nobody maps: it leaves the lists and stays in the history."""
    reason = _reason(reason, "framework")
    if framework.retired:
        raise ValidationError(f"{framework.name} is already retired.")
    using = Mapping.objects.using_framework(framework).first()
    if using is not None:
        raise ValidationError(
            f"{framework.name} is mapped in {using.name}, so it cannot be retired; "
            "retire the elements that are no longer used instead."
        )
    return Change.objects.apply(
        framework, {"retired": True, "retired_reason": reason}, by=by, revision=revision,
        reason=reason,
    )  # fmt: skip


def restore(subject: Element | Framework, *, by) -> Change | None:
    """Bring a retired element or framework back (an element's links stay retired until
    they are restored one by one)."""
    if not subject.retired:
        return None
    parent = getattr(subject, "parent", None)
    if parent is not None and parent.retired:
        raise ValidationError(
            f"{subject.code} sits under {parent.code}, which is retired: restore {parent.code} "
            "first."
        )
    return Change.objects.apply(subject, {"retired": False, "retired_reason": ""}, by=by)
