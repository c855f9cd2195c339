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


def edition_as_read(live: Register, entry: Entry, day: date) -> int | None:
    """The newest edition of the live register that reads as the entry's page did on the
    day, or None when every edition differs from it."""
    stamps = _changed_at(live, entry)
    read = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    for number, published in live.mapping.editions.order_by("-number").values_list(
        "number", "published_at"
    ):
        low, high = min(read, published), max(read, published)
        if not any(low < at < high for at in stamps):
            return number
    return None


def _changed_at(live: Register, entry: Entry) -> list[datetime]:
    """When each recorded change to what the entry's page shows was made."""
    if entry.kind == "link":
        about = Q(subject_type=Change.Subject.LINK, subject_id=entry.link)
    else:
        element = live.element(entry.side, entry.code)
        if element is None:
            return []
        ids = [each.pk for each in live.subtree(element)]
        links = live.mapping.links.filter(Q(source__in=ids) | Q(target__in=ids))
        about = Q(subject_type=Change.Subject.ELEMENT, subject_id__in=ids) | Q(
            subject_type=Change.Subject.LINK, subject_id__in=links.values("pk")
        )
    return list(Change.objects.filter(about).values_list("at", flat=True))
