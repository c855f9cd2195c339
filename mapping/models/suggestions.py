"""Acting on a suggestion: accepting it as a link (recorded in the history with where it came
from), dismissing it (a reviewed pair, with the reason), and noticing when a link accepted
from an inference has lost or changed the path it was inferred through."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mapping.models.events import announce
from mapping.models.history import Change
from mapping.models.inference import InferredLink, Path, ReviewedPair
from mapping.models.link_rows import Relation
from mapping.models.links import Link, LinkStatus
from mapping.models.memberships import Role, roles_of
from mapping.models.tracked import tracked_values

INFERRED, LEXICAL = "inferred", "lexical"


def origin_of(suggestion) -> dict:
    """What a link accepted from this suggestion keeps of where it came from."""
    if getattr(suggestion, "is_inferred", False):
        return {"kind": INFERRED, "via": suggestion.via_code, "paths": [
            {"first": path.first.link_id, "first_relation": path.first.relation,
             "second": path.second.link_id, "second_relation": path.second.relation,
             "via": path.via_code}
            for path in suggestion.path_list
        ]}  # fmt: skip
    return {"kind": LEXICAL, "words": list(getattr(suggestion, "shared", []))}


def prefilled_rationale(suggestion: InferredLink) -> str:
    """An inferred link's reason, from the reasons of its strongest path's two steps (in
    words that, once accepted, do not read as "inferred, not reviewed")."""
    path: Path = suggestion.path_list[0]
    return (f"Accepted from the path through {path.via_code} {path.via_title}. "
            f"{path.first.source_code} → "
            f"{path.via_code}: {path.first.rationale} {path.via_code} → "
            f"{path.second.target_code}: {path.second.rationale}")  # fmt: skip


def _decide_in_turn(mapping) -> None:
    """Lock the register's row until the transaction ends: an accept and a dismissal of
    one pair at the same moment take turns, and the second is refused as out of date."""
    type(mapping).objects.select_for_update().filter(pk=mapping.pk).first()


def _refuse_if_decided(mapping, source, target) -> None:
    """A pair linked or dismissed meanwhile (someone else, a moment ago) is not offered."""
    link = Link.objects.filter(mapping=mapping, source=source, target=target).first()
    if link is not None:
        state = " (retired)" if link.is_retired else ""
        raise ValidationError(f"{source.code} is already linked to {target.code}{state}: the "
                              "suggestion is out of date.")  # fmt: skip
    dismissed = ReviewedPair.objects.filter(mapping=mapping, source=source, target=target)
    if (found := dismissed.select_related("decided_by").first()) is not None:
        who = found.decided_by.get_username() if found.decided_by else "someone"
        raise ValidationError(f"{source.code} → {target.code} was dismissed by {who}: "
                              f"{found.reason}")  # fmt: skip


@transaction.atomic
def accept(mapping, suggestion, *, by, relation: str, rationale: str, example: str = "") -> Link:
    """A new link from a suggestion: approved when a publisher of the register accepts it,
    a draft for an editor; its rationale is never empty; the history says where it came
    from. A pair linked or dismissed meanwhile is refused, and nothing is written."""
    rationale = rationale.strip()
    if not rationale:
        raise ValidationError({"rationale": "Say why the one relates to the other."})
    Relation(relation)  # a relation Weave knows, or a ValueError
    source, target = suggestion.source, suggestion.target
    _decide_in_turn(mapping)
    _refuse_if_decided(mapping, source, target)
    origin = origin_of(suggestion)
    reason = (f"Accepted from a suggestion inferred through {suggestion.via_code}."
              if origin["kind"] == INFERRED else "Accepted from a lexical suggestion.")  # fmt: skip
    approve = roles_of(by).holds(Role.PUBLISHER, mapping.pk)
    link = Link(
        mapping=mapping, source=source, target=target, relation=relation,
        rationale=rationale, example=example.strip(), accepted_from=origin,
        status=LinkStatus.APPROVED if approve else LinkStatus.DRAFT, created_by=by,
        updated_by=by,
    )  # fmt: skip
    try:
        with transaction.atomic():
            Change.objects.save_new(link, by=by, reason=reason)
    except IntegrityError:
        raise ValidationError(f"{source.code} was linked to {target.code} a moment ago.") from None
    return link


@transaction.atomic
def offer_again(mapping, pk: int, *, by) -> ReviewedPair:
    """Undo a dismissal: the pair is suggested again (where something still infers it or
    shares words with it). Refused (ValidationError) if it is not dismissed here."""
    found = ReviewedPair.objects.select_related("source", "target").filter(mapping=mapping)
    pair = found.select_for_update(of=("self",)).filter(pk=pk).first()
    if pair is None:
        raise ValidationError("That suggestion is not dismissed in this register (someone "
                              "may have offered it again a moment ago).")  # fmt: skip
    pair.delete()
    announce(action="offered again", subject_type="suggestion", subject_id=pk,
             mapping_ids=[mapping.pk], by=by)  # fmt: skip
    return pair


@transaction.atomic
def dismiss(mapping, source, target, *, by, reason: str) -> ReviewedPair:
    """Dismiss a suggestion, with the reason: a reviewed pair, never suggested again."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why it is dismissed."})
    _decide_in_turn(mapping)
    _refuse_if_decided(mapping, source, target)
    try:
        with transaction.atomic():
            pair = ReviewedPair.objects.create(
                mapping=mapping, source=source, target=target, reason=reason,
                decided_by=by if by is not None and by.is_authenticated else None,
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError(
            f"{source.code} → {target.code} was dismissed a moment ago."
        ) from None
    announce(action="dismissed", subject_type="suggestion", subject_id=pair.pk,
             mapping_ids=[mapping.pk], by=by)  # fmt: skip
    return pair


@dataclass(frozen=True)
class Flag:
    """A link accepted from an inference whose path has changed since: what changed."""

    link: Link
    changes: list[str]


def flags(links) -> list[Flag]:
    """Of these links, those accepted from an inference whose path has since lost a step
    (retired) or whose steps' relations changed, each with what changed, in words."""
    accepted = [link for link in links if link.accepted_from.get("kind") == INFERRED]
    steps = {p[key] for link in accepted for p in link.accepted_from["paths"]
             for key in ("first", "second")}  # fmt: skip
    now = Link.objects.select_related("source", "target").in_bulk(steps)
    found = []
    for link in accepted:
        changes = []
        for path in link.accepted_from["paths"]:
            for key in ("first", "second"):
                step = now.get(path[key])
                if step is None or step.is_retired:
                    where = f"{step.reference} " if step else f"a step through {path['via']} "
                    changes.append(f"{where}was retired")
                elif step.relation != (was := path[f"{key}_relation"]):
                    now_said = step.get_relation_display().lower()
                    changes.append(f"{step.reference} now {now_said} (was "
                                   f"{Relation(was).label.lower()})")  # fmt: skip
        if changes:
            found.append(Flag(link, changes))
    return found


@transaction.atomic
def still_holds(link: Link, *, by) -> Change | None:
    """Someone who edits the link's register has checked that a link accepted from an
    inference still holds, now that its path has changed: each path now records its steps
    as they stand (a path with a retired step is let go), so the link is no longer flagged,
    and it says who checked and when; the history records the check, with what had
    changed in the path. None if it was not flagged (checked a moment ago: the link is
    locked meanwhile, so a double click records one check)."""
    locked = Link.objects.select_for_update().filter(pk=link.pk)
    link.accepted_from = locked.values_list("accepted_from", flat=True).get()
    found = [said for flag in flags([link]) for said in flag.changes]
    if not found:
        return None
    paths = link.accepted_from.get("paths", [])
    steps = Link.objects.in_bulk({path[key] for path in paths for key in ("first", "second")})
    kept = []
    for path in paths:
        first, second = steps.get(path["first"]), steps.get(path["second"])
        if first is None or second is None or first.is_retired or second.is_retired:
            continue
        kept.append(path | {"first_relation": first.relation, "second_relation": second.relation})
    checked = {"at": timezone.now().isoformat(timespec="seconds"),
               "by": by.get_username() if by is not None else ""}  # fmt: skip
    link.accepted_from = link.accepted_from | {"paths": kept, "checked": checked}
    Link.objects.filter(pk=link.pk).update(accepted_from=link.accepted_from)
    reason = "It still holds" + (f", though {'; '.join(found)}." if found else ".")
    return Change.objects.record(link, action=Change.Action.CHECKED, before=tracked_values(link),
                                 by=by, reason=reason)  # fmt: skip
