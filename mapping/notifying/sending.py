"""Sending the notices that are due: each as one email with a plain-text and an HTML part
and a link that unsubscribes without signing in (signed, so that it names one person and one
kind of notice); a failure is logged and tried again later (RETRY_AFTER), then given up."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core import signing
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mapping.models import Link
from mapping.models.notices import RETRY_AFTER, Notice

logger = logging.getLogger("weave.notices")
SALT = "weave.unsubscribe"
BATCH = 200
SUBJECTS = {
    Notice.Kind.PROPOSALS: "Links proposed for your review",
    Notice.Kind.EDITION: "A new edition of {mapping}",
    Notice.Kind.DIGEST: "What changed in {mapping} today",
}


def absolute(path: str) -> str:
    """An address on this site, for an email (WEAVE_SITE_URL)."""
    return settings.WEAVE_SITE_URL.rstrip("/") + path


def unsubscribe_token(notice: Notice) -> str:
    return signing.dumps({"user": notice.user_id, "kind": notice.kind,
                          "mapping": notice.mapping_id}, salt=SALT)  # fmt: skip


def read_token(token: str) -> dict | None:
    try:
        found = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return found if isinstance(found, dict) and {"user", "kind", "mapping"} <= set(found) else None


def message(notice: Notice) -> EmailMultiAlternatives:
    name = notice.mapping.name if notice.mapping_id else ""
    context = {
        "notice": notice, "items": notice.items, "person": notice.user,
        "unsubscribe": absolute(reverse("unsubscribe", args=[unsubscribe_token(notice)])),
        "account": absolute(reverse("notices")), "review": absolute(reverse("review")),
    }  # fmt: skip
    email = EmailMultiAlternatives(
        " ".join(SUBJECTS[notice.kind].format(mapping=name).split()),  # one line, as a header is
        render_to_string("mapping/notice_email.txt", context), None, [notice.user.email],
        headers={"List-Unsubscribe": f"<{context['unsubscribe']}>"},
    )  # fmt: skip
    email.attach_alternative(render_to_string("mapping/notice_email.html", context), "text/html")
    return email


def deliver_due(now=None) -> int:
    """Send every notice that is due; returns how many went."""
    if not settings.EMAIL_ENABLED:  # no mail server set up (EMAIL_URL): they wait
        return 0
    now = now or timezone.now()
    sent = 0
    due = list(Notice.due(now).values_list("pk", flat=True))
    for start in range(0, len(due), BATCH):  # a batch at a time, however many are due
        sent += _deliver(due[start : start + BATCH], now)
    return sent


def _deliver(ids: list[int], now) -> int:
    """Send these notices, each claimed first (marked sent, if nobody has): two workers
    running at once never send one twice, and items gathered into a notice before its
    claim go with it. A notice that could not go is put back, to be tried again later."""
    sent = 0
    for pk in ids:
        if not Notice.due(now).filter(pk=pk).update(sent_at=now):
            continue  # another worker sent it, or is sending it
        notice = Notice.objects.select_related("user", "mapping").get(pk=pk)
        if not _still_to_tell(notice):
            continue
        try:
            message(notice).send(fail_silently=False)
        except (OSError, BadHeaderError) as error:  # the server is down or refused it
            notice.sent_at = None
            notice.attempts += 1
            notice.last_error = str(error)[:1000]
            if notice.attempts > len(RETRY_AFTER):
                notice.given_up = True
                logger.error("Gave up emailing %s (%s) after %d attempts: %s",
                             notice.user.email, notice.kind, notice.attempts, error)  # fmt: skip
            else:
                notice.send_after = now + RETRY_AFTER[notice.attempts - 1]
                logger.warning("Could not email %s (%s), attempt %d; trying again at %s: %s",
                               notice.user.email, notice.kind, notice.attempts,
                               notice.send_after, error)  # fmt: skip
            notice.save(
                update_fields=["sent_at", "attempts", "last_error", "given_up", "send_after"]
            )
            continue
        sent += 1
    return sent


def _still_to_tell(notice: Notice) -> bool:
    """Whether the notice, claimed, still has someone to tell and something to say: not
    to an account deactivated since it was queued (given up, saying so), nor of links
    decided since (their lines are dropped; with none left, the notice goes unsent)."""
    if not notice.user.is_active:
        Notice.objects.filter(pk=notice.pk).update(
            sent_at=None, given_up=True, last_error="The account was deactivated.")  # fmt: skip
        return False
    if notice.kind != Notice.Kind.PROPOSALS:
        return True
    named = set()  # a line's third item: its link's id, or the ids of a batch's links
    for item in notice.items:
        named |= set(item[2]) if len(item) > 2 and isinstance(item[2], list) else \
            {item[2]} if len(item) > 2 else set()  # fmt: skip
    waiting = set(
        Link.objects.filter(pk__in=named).awaiting_decision().values_list("pk", flat=True)
    )
    items = [said for item in notice.items if (said := _as_now(item, waiting))]
    if not items:
        Notice.objects.filter(pk=notice.pk).delete()  # nothing waits any more
        return False
    if items != notice.items:
        notice.items = items
        Notice.objects.filter(pk=notice.pk).update(items=items)
    return True


def _as_now(item: list, waiting: set[int]) -> list | None:
    """A line of a proposals notice as it stands now: gone if its link no longer waits; a
    batch's line counting those of its links that still do (none: gone)."""
    if len(item) < 3:
        return item
    if not isinstance(item[2], list):
        return item if item[2] in waiting else None
    still = [pk for pk in item[2] if pk in waiting]
    if not still:
        return None
    count = len(still)
    text = re.sub(r"^\d+ links? (.*) waits? for approval$",
                  lambda found: f"{count} link{'s' if count > 1 else ''} {found[1]} "
                  f"wait{'' if count > 1 else 's'} for approval", item[0])  # fmt: skip
    return [text, item[1], still]


def next_due():
    """When the next notice falls due, if any waits."""
    waiting = Notice.objects.filter(sent_at__isnull=True, given_up=False)
    return waiting.order_by("send_after").values_list("send_after", flat=True).first()
