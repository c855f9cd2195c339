"""From what the write path announces (mapping/models/events.py) to notices waiting to be
sent: a proposed link to its register's publishers (gathered: at most one email per person
per PROPOSALS_EVERY), a published edition to the register's watchers; and, once a day, a
digest of each watched register's changes to those who asked for one."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mapping.access.policy import people_who_may
from mapping.models import Change, Edition, Link, LinkStatus, Mapping, Role
from mapping.models.events import RegisterEvent
from mapping.models.notices import PROPOSALS_EVERY, Notice, Preferences, Watch
from mapping.notifying.sending import absolute
from mapping.tasks import deliver_notices

WAITING_AFTER = {Change.Action.PROPOSED, Change.Action.CREATED, Change.Action.EDITED}
IMPORTED = "imported"  # the write path's action for a batch of changes (models/history.py)
ITEMS_A_BATCH = 10
DIGEST_LINES = 200


def registers_changed(sender, events: list[RegisterEvent], committed: bool, **kwargs) -> None:
    """The write path's announcement, once committed: notices for whoever asked."""
    if not committed or not settings.EMAIL_ENABLED:  # no mail server: nobody to tell
        return
    before = Notice.objects.count()
    waiting: dict[int | None, set[int]] = {}  # who did it: the links that came to wait
    for event in events:
        if event.subject_type == "link" and event.action in WAITING_AFTER | {IMPORTED}:
            # Proposed with its button, added as proposed ("Save and propose"), an
            # approved link an editor changed (it goes back for approval), or any of these
            # by the hundred from an import: the links that now wait.
            ids = {event.subject_id} if event.subject_id is not None else event.subject_ids
            waiting.setdefault(event.by_id, set()).update(ids)
        elif event.action == "published" and event.subject_type == "edition":
            edition = Edition.objects.select_related("mapping").filter(pk=event.subject_id)
            if (found := edition.first()) is not None:
                published(found)
    for by_id, ids in waiting.items():
        links = Link.objects.select_related("mapping", "source", "target").filter(
            pk__in=ids, status=LinkStatus.PROPOSED).order_by("pk")  # fmt: skip
        proposed(list(links), by_id=by_id)
    if Notice.objects.count() != before:
        deliver_notices.enqueue()


def proposed(links: list[Link], *, by_id: int | None, now=None) -> None:
    """Tell each register's publishers (but whoever proposed them, and those who asked not
    to hear) of links that wait for them, in the notice gathering for each."""
    now = now or timezone.now()
    off = set(Preferences.objects.filter(proposals=False).values_list("user_id", flat=True))
    by_register: dict[Mapping, list[Link]] = {}
    for link in links:
        by_register.setdefault(link.mapping, []).append(link)
    for mapping, waiting in by_register.items():
        items = _waiting_items(mapping, waiting)
        for person in people_who_may(Role.PUBLISHER, mapping).exclude(email=""):
            if person.pk == by_id or person.pk in off:
                continue
            with transaction.atomic():
                _gather(person, items, now)


def _gather(person, items: list[list[str]], now) -> None:
    """Add items to the person's notice still gathering, or start one: due now, or
    PROPOSALS_EVERY after their last (at most one email in that time)."""
    notice = Notice.gathering(person, Notice.Kind.PROPOSALS)
    if notice is not None:
        notice.items = [*notice.items, *items]
        notice.save(update_fields=["items"])
        return
    last = (Notice.objects.filter(user=person, kind=Notice.Kind.PROPOSALS,
                                  sent_at__isnull=False)
            .order_by("-sent_at").values_list("sent_at", flat=True).first())  # fmt: skip
    send_after = max(now, last + PROPOSALS_EVERY) if last else now
    Notice.objects.create(user=person, kind=Notice.Kind.PROPOSALS, items=items,
                          created_at=now, send_after=send_after)  # fmt: skip


def _waiting_items(mapping: Mapping, links: list[Link]) -> list[list[str]]:
    """A line a link, each leading to it (and naming it, so that a link decided before
    the email goes is left out); or, for more than ITEMS_A_BATCH at once (an
    import), one line with how many, leading to the review queue for that register."""
    if len(links) > ITEMS_A_BATCH:
        queue = f"{reverse('review')}?register={mapping.slug}"
        return [
            [
                f"{len(links)} links in {mapping.name} wait for approval",
                absolute(queue),
                [link.pk for link in links],
            ]
        ]
    return [[f"{link.history_label} in {mapping.name}: {link.get_relation_display()}",
             absolute(link.get_absolute_url()), link.pk] for link in links]  # fmt: skip


def published(edition: Edition) -> None:
    mapping = edition.mapping
    compare = reverse("edition_compare", kwargs={"slug": mapping.slug})
    before = edition.number - 1
    items = [
        [
            f"Edition {edition.number} of {mapping.name}: {edition.title}"
            + (
                f". The publisher's notes: {' '.join(edition.notes.split())}"
                if edition.notes
                else ""
            ),
            absolute(reverse("home", kwargs={"slug": mapping.slug, "number": edition.number})),
        ]
    ]
    if before >= 1:
        items.append([f"What changed since edition {before}",
                      absolute(f"{compare}?old={before}&new={edition.number}")])  # fmt: skip
    for watch in Watch.objects.filter(mapping=mapping, editions=True,
                                      user__is_active=True).exclude(user__email=""):  # fmt: skip
        Notice.objects.create(user_id=watch.user_id, kind=Notice.Kind.EDITION,
                              mapping=mapping, items=items)  # fmt: skip


def queue_digests(now=None) -> int:
    """A digest for each watcher who asked for one, of each watched register that changed
    since their last digest of it (the day before now, for a first). Each change is in one
    digest only, however often this runs. Returns how many notices it queued."""
    now = now or timezone.now()
    queued = 0
    watches = Watch.objects.filter(digest=True, user__is_active=True).exclude(user__email="")
    for watch in watches.select_related("mapping"):
        with transaction.atomic():
            queued += _queue_digest(watch, now)
    return queued


def _queue_digest(watch: Watch, now) -> int:
    """One watcher's digest of one register, if it changed since their last; the watch
    is locked meanwhile, so two runs at once do not both queue it."""
    Watch.objects.select_for_update().filter(pk=watch.pk).first()
    last = (Notice.objects.filter(user_id=watch.user_id, mapping=watch.mapping,
                                  kind=Notice.Kind.DIGEST)
            .order_by("-created_at").values_list("created_at", flat=True).first())  # fmt: skip
    changes = Change.objects.filter(mapping=watch.mapping, at__lte=now,
                                    at__gt=last or now - timedelta(days=1))  # fmt: skip
    listed = list(
        changes.select_related("user", "mapping", "reverts").order_by("at")[:DIGEST_LINES]
    )
    if not listed:
        return 0
    items = [_digest_item(change, watch.mapping) for change in listed]
    if len(listed) == DIGEST_LINES and (more := changes.count() - DIGEST_LINES):
        everything = f"{reverse('changes')}?register={watch.mapping.slug}"
        items.append(
            [f"and {more} more {'change' if more == 1 else 'changes'}", absolute(everything)]
        )
    Notice.objects.create(user_id=watch.user_id, kind=Notice.Kind.DIGEST, mapping=watch.mapping,
                          items=items, created_at=now, send_after=now)  # fmt: skip
    return 1


# What a revert undid, in a digest's words: "undoing the edit of 7 December, 09:30".
UNDONE = {"created": "creation", "edited": "edit", "proposed": "proposal", "approved": "approval",
          "sent_back": "sending back", "retired": "retirement", "restored": "restoring",
          "reverted": "revert"}  # fmt: skip


def _digest_item(change: Change, mapping: Mapping) -> list[str]:
    """A line of a digest: when, what, by whom; leading to the link changed, or to the
    register's own changes."""
    subject = change.get_subject_type_display().lower()
    undid = ""
    if (undone := change.reverts) is not None:  # what it undid, and what that did
        retired = change.after.get("status") == "retired" != change.before.get("status")
        noun = UNDONE.get(undone.action, "change")
        when = timezone.localtime(undone.at)
        what = "its creation" if noun == "creation" else f"the {noun} of {when:%-d %B, %H:%M}"
        undid = f" (undoing {what}" + (f"; the {subject} is now retired)" if retired else ")")
    text = (f"{timezone.localtime(change.at):%H:%M} {change.get_action_display()} {subject} "
            f"{change.subject_label}{undid}, by {change.who}")  # fmt: skip
    url = change.link_url or f"{reverse('changes')}?register={mapping.slug}"
    return [text, absolute(url)]
