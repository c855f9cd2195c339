"""What happened to which register, announced from the one write path.

Every write that changes what a register shows announces it here: recording a change
(mapping/models/history.py: links, elements and frameworks, one by one or by the
thousand), publishing an edition, saving a register's own details. `registers_changed` is
sent with what happened twice: at once (committed=False), so that nothing kept from
before the write is served while it is in flight (the kept pages and ETags of those
registers: mapping/caching/), and once the write is committed (committed=True), for
whatever must see it done: their PDFs (mapping/tasks.py) and, later, anyone watching them.
A write that is rolled back is never announced as committed; a login, a session or an
account change is no register's business and announces nothing.

The safety net for writes that go round the write path: saving or deleting a register's
rows through the ORM by any other road (the admin, `loaddata`, a shell) announces through
Django's model signals (connected in mapping/apps.py, see announce_saved); raw SQL and
QuerySet.update() announce nothing, and `manage.py announce_changes` says afterwards that
every register (or one) changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.apps import apps
from django.db import transaction
from django.dispatch import Signal

# Sent with events: list[RegisterEvent], mapping_ids: frozenset[int] (every register they
# name, and every register that infers links through one of those: it shows them) and
# committed: bool, at once and again once the transaction commits (only once,
# committed, outside a transaction).
registers_changed = Signal()
# What the safety net's events say happened (a row saved or deleted by some other road):
# listeners that care what happened, rather than that something did, pass over them.
CHANGED = "changed"


@dataclass(frozen=True)
class RegisterEvent:
    """One thing that happened: an action (a Change.Action, "published", or CHANGED) on a
    subject (a link, element, framework, mapping, gap or edition), in these registers
    (every register that maps a framework named is one of them)."""

    mapping_ids: frozenset[int]
    action: str
    subject_type: str
    subject_id: int | None = None
    framework_ids: frozenset[int] = frozenset()
    by_id: int | None = None
    # Every subject of a batch ("imported": many links at once), where subject_id is None.
    subject_ids: frozenset[int] = frozenset()
    # The addresses a register had, where it no longer has them (a register deleted or
    # renamed): their kept pages are to go too.
    old_slugs: frozenset[str] = frozenset()


class _Batch:
    """The events of one transaction (or savepoint), sent together once it commits."""

    def __init__(self) -> None:
        self.events: list[RegisterEvent] = []

    def __call__(self) -> None:
        _send(self.events, committed=True)


def announce(
    *,
    action: str,
    subject_type: str,
    subject_id: int | None = None,
    mapping_ids: Iterable[int | None] = (),
    framework_ids: Iterable[int | None] = (),
    by=None,
    old_slugs: Iterable[str] = (),
    subject_ids: Iterable[int] = (),
) -> None:
    """Say that registers changed: those named, and every register that maps one of the
    frameworks named (an element's or a framework's change is theirs: found once, when
    the transaction commits, for everything it announced)."""
    event = RegisterEvent(
        frozenset(pk for pk in mapping_ids if pk is not None), action, subject_type,
        subject_id, frozenset(pk for pk in framework_ids if pk is not None),
        by_id=by.pk if by is not None and getattr(by, "is_authenticated", False) else None,
        old_slugs=frozenset(old_slugs), subject_ids=frozenset(subject_ids),
    )  # fmt: skip
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _send([event], committed=True)
        return
    _send([event], committed=False)
    # One batch per transaction (or savepoint): a savepoint rolled back takes its own
    # batch with it, as Django drops the callbacks made inside it.
    savepoints = set(connection.savepoint_ids)
    for ids_then, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _Batch) and ids_then == savepoints:
            callback.events.append(event)
            return
    batch = _Batch()
    batch.events.append(event)
    transaction.on_commit(batch)


def _send(events: list[RegisterEvent], *, committed: bool) -> None:
    """Name every register each event touches, then tell the listeners."""
    frameworks = frozenset().union(*(event.framework_ids for event in events))
    named = frozenset().union(*(event.mapping_ids for event in events))
    # Every register's two ends, read once (when anything is named): which registers map
    # the frameworks named, and which infer links through the registers named.
    ends = []
    if frameworks or named:
        ends = list(apps.get_model("mapping", "Mapping").objects.values_list(
            "pk", "source_framework_id", "target_framework_id"
        ))  # fmt: skip
    users: dict[int, set[int]] = {pk: set() for pk in frameworks}
    for pk, *framework_ids in ends:
        for framework_id in framework_ids:
            users.get(framework_id, set()).add(pk)
    events = [
        replace(event, mapping_ids=event.mapping_ids.union(
            *(users[pk] for pk in event.framework_ids)
        )) if event.framework_ids else event
        for event in events
    ]  # fmt: skip
    ids = frozenset().union(*(event.mapping_ids for event in events))
    # …and every register whose inferred links read those (it shows them): those registers'
    # paths are worked out again; a register's own edits leave its paths as they were.
    through = inferring_through(ends, ids, changed_too=True) if ids else set()
    registers_changed.send(sender=RegisterEvent, events=events, mapping_ids=ids | through,
                           through_ids=frozenset(through), committed=committed)  # fmt: skip


def inferring_through(ends, mapping_ids, *, changed_too: bool = False) -> set[int]:
    """The registers whose inferred links read any of mapping_ids (MappingQuerySet.
    inferring_through), from every register's (pk, source framework, target framework)."""
    ends, wanted = list(ends), set(mapping_ids)
    pairs = {(source, target) for _pk, source, target in ends}
    changed = [row for row in ends if row[0] in wanted]
    return {
        pk for pk, source, target in ends for _changed, middle_from, middle_to in changed
        if (middle_from == source and (middle_to, target) in pairs)
        or (middle_to == target and (source, middle_from) in pairs)
    } - (set() if changed_too else {pk for pk, _source, _target in changed})  # fmt: skip


def announce_saved(sender, instance, **kwargs) -> None:
    """The safety net (post_save and post_delete of a register's rows, mapping/apps.py): a
    row saved or deleted by a road other than the write path (the admin, loaddata, a
    shell) still reaches the listeners. The write path's own saves pass through here too,
    and are told apart by their CHANGED action; both land in the same batch."""
    if isinstance(instance, apps.get_model("standards", "Framework")):
        frameworks = [instance.pk]
    else:
        frameworks = [getattr(instance, "framework_id", None)]
    is_mapping = isinstance(instance, apps.get_model("mapping", "Mapping"))
    announce(
        action=CHANGED, subject_type=sender._meta.model_name, subject_id=instance.pk,
        mapping_ids=[instance.pk if is_mapping else getattr(instance, "mapping_id", None)],
        framework_ids=frameworks, old_slugs=[instance.slug] if is_mapping else [],
    )  # fmt: skip
