"""Which edition reads as a live page did on the day someone added it to their list.

A live link or element page added on one day and pinned later must be pinned to an edition
whose text is what the reader read: an edition is taken when nothing recorded about the
link (or the element, what sits under it and the links shown on its page) changed between
the reading and the edition's publishing, whichever came first. The day is all a list
keeps: a change made on that day counts as made before the reading, as the list's own
"Changed on …, after you added it" note counts it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from mapping.citing.references import Entry
from mapping.models import Change
from mapping.register import Register


class AsRead:
    """What pinning a whole list reads, each once: a register's editions, and when the
    links its entries name changed (one query for all of them)."""

    def __init__(self, entries: list[Entry], added: dict[Entry, date]) -> None:
        links = [entry.link for entry in entries if entry.kind == "link" and entry in added]
        self._link_stamps: dict[int, list[datetime]] = {}
        found = Change.objects.filter(subject_type=Change.Subject.LINK, subject_id__in=links)
        for link_id, at in found.values_list("subject_id", "at"):
            self._link_stamps.setdefault(link_id, []).append(at)
        self._editions: dict[int, list[tuple[int, datetime]]] = {}

    def edition(self, live: Register, entry: Entry, day: date) -> int | None:
        """The newest edition of the live register that reads as the entry's page did on
        the day, or None when every edition differs from it."""
        mapping = live.mapping
        if mapping.pk not in self._editions:
            self._editions[mapping.pk] = list(
                mapping.editions.order_by("-number").values_list("number", "published_at")
            )
        if entry.kind == "link":
            stamps = self._link_stamps.get(entry.link, [])
        else:
            stamps = _element_changed_at(live, entry)
        read = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
        for number, published in self._editions[mapping.pk]:
            low, high = min(read, published), max(read, published)
            if not any(low < at < high for at in stamps):
                return number
        return None


def _element_changed_at(live: Register, entry: Entry) -> list[datetime]:
    """When each recorded change to what an element's page shows was made: the element,
    what sits under it, and their links."""
    element = live.element(entry.side, entry.code)
    if element is None:
        return []
    ids = [each.pk for each in live.subtree(element)]
    links = live.mapping.links.filter(Q(source__in=ids) | Q(target__in=ids))
    about = Q(subject_type=Change.Subject.ELEMENT, subject_id__in=ids) | Q(
        subject_type=Change.Subject.LINK, subject_id__in=links.values("pk")
    )
    return list(Change.objects.filter(about).values_list("at", flat=True))
