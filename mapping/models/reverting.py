"""Reverting a recorded change, and saying beforehand whether it can be: the history offers
Revert only where reverting would do something, and says why not elsewhere."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from mapping.models.tracked import tracked_values
from standards.models import Element

NOT_REVERTED = {"deleted", "checked", "unlinked", "reopened"}


class Revertible:
    """What a Change (mapping/models/history.py) knows of undoing itself."""

    @property
    def can_be_reverted(self) -> bool:
        """Whether revert makes sense at all for a change of this kind; refusal() says
        whether it would work now."""
        # Records of a check, or of a gap's decision (the coverage page makes the opposite
        # one), undo nothing.
        if hasattr(self, "reverted_by") or self.action in NOT_REVERTED:
            return False
        return self.action != "created" or self.subject_type in ("link", "element")

    def _changed_fields(self) -> set[str]:
        return {
            name
            for name in self.after
            if name in self.before and self.after[name] != self.before[name]
        }

    def refusal(self, now: dict | None) -> str:
        """Why reverting would be refused, given the subject's recorded fields as they are
        now (None: it no longer exists); "" if nothing stops it. What revert() checks
        against the rest of the data (an element's children and links) it checks then."""
        if hasattr(self, "reverted_by"):
            return "This change has already been reverted."
        if now is None:
            return f"{self.subject_label} no longer exists."
        if self.action == "created":
            if self.subject_type == "link" and now.get("status") == "retired":
                return "This link has already been retired."
            return ""
        changed = self._changed_fields()
        if any(now.get(name) != self.after[name] for name in changed):
            return (
                f"{self.subject_label} has been changed again since; revert the later "
                "changes first."
            )
        if not changed:
            return "Reverting this change would change nothing."
        return ""

    @transaction.atomic
    def revert(self, *, by, why: str = ""):
        """Undo this change, as a change of its own (why: the reviser's reason, if given).
        Refused if anything has changed the same fields since, so a revert never silently
        discards someone else's work."""
        subject = self.subject()
        refused = self.refusal(tracked_values(subject) if subject is not None else None)
        if refused:
            raise ValidationError(refused)
        reason = f"Reverts change {self.pk}" + (f": {why}" if why else ".")
        if self.action == "created":
            return self._revert_creation(subject, by=by, reason=reason)
        values = {name: self.before[name] for name in self._changed_fields()}
        change = type(self).objects.apply(subject, values, by=by, reason=reason, reverts=self)
        if change is None:
            raise ValidationError("Reverting this change would change nothing.")
        return change

    def _revert_creation(self, subject, *, by, reason: str):
        changes = type(self).objects
        if self.subject_type == "link":
            retire = {"status": "retired", "retired_reason": reason}
            return changes.apply(subject, retire, by=by, reason=reason, reverts=self)
        if isinstance(subject, Element):
            if (
                subject.children.exists()
                or subject.links_as_source.exists()
                or subject.links_as_target.exists()
            ):
                raise ValidationError(
                    f"{subject.code} now has links or elements under it, so it cannot be "
                    "removed; edit it instead."
                )
            before = tracked_values(subject)
            change = changes.record(
                subject, action="deleted", before=before, by=by, reason=reason, reverts=self
            )
            subject.delete()
            return change
        raise ValidationError("A new framework cannot be reverted; edit it instead.")


def note_refusals(changes: Iterable[Revertible], *, subject=None) -> list:
    """The changes, each that could be reverted with .refused: why reverting it now would be
    refused, or "". subject: the one thing they all changed, as loaded already; otherwise
    what they changed is read, one query for each kind of thing."""
    changes = list(changes)
    candidates = [change for change in changes if change.can_be_reverted]
    if subject is not None:
        now = {(subject._meta.model_name, subject.pk): tracked_values(subject)}
    else:
        ids: dict[str, set[int]] = defaultdict(set)
        for change in candidates:
            ids[change.subject_type].add(change.subject_id)
        now = {}
        for change in candidates:
            kind = change.subject_type
            if kind in ids:
                rows = change.subject_model.objects.filter(pk__in=ids.pop(kind))
                now |= {(kind, row.pk): tracked_values(row) for row in rows}
    for change in candidates:
        change.refused = change.refusal(now.get((change.subject_type, change.subject_id)))
    return changes
