"""Work done in the background, by `manage.py weave_worker` (django-tasks' db_worker, database
backend): a large import's dry run and its apply, reporting progress as they go, and the register's
PDFs, rendered as soon as the register changes or an edition is published so that readers
find them ready (mapping/pdf_cache.py keeps them)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.utils import timezone
from django_tasks import default_task_backend, task

from mapping.importing.batches import run_apply, run_dry_run
from mapping.models import Edition, ImportBatch, Mapping
from mapping.models.events import RegisterEvent
from mapping.notifying.sending import deliver_due, next_due
from mapping.pdf.document import RegisterPdf
from mapping.pdf.store import PrintedRegister, known_origins
from mapping.register import EditionRegister, LiveRegister, Register

logger = logging.getLogger(__name__)

# Writes this close together share one render: it starts this long after the first.
PDF_DEBOUNCE_SECONDS = 2
# A queued render not started by then is taken for lost (no worker running): readers then
# get a PDF rendered in their own request rather than an old one for ever.
PDF_OVERDUE_SECONDS = 5 * 60
PDF_FRESH_WAIT = 3.0  # seconds a reader waits for the render a change queued, at most
LIVE_QUEUED_KEY = "weave:pdf-queued:live:{}"


@task()
def check_import(batch_id: str) -> None:
    run_dry_run(ImportBatch.objects.select_related("framework", "mapping").get(pk=batch_id))


@task()
def apply_import(batch_id: str, user_id: int | None) -> None:
    batch = ImportBatch.objects.select_related("framework", "mapping").get(pk=batch_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    run_apply(batch, by=user)


@task()
def render_pdf(mapping_id: int, edition_id: int | None, origin: str) -> None:
    """Render and keep a register's PDF as the register is when the task starts."""
    printed = PrintedRegister(_register(mapping_id, edition_id), origin, today=_today())
    # First: a write from now on queues another render, which will see it.
    cache.delete(printed.queued_key)
    printed.keep()


def _register(mapping_id: int, edition_id: int | None) -> Register:
    mapping = Mapping.objects.with_frameworks().get(pk=mapping_id)
    if edition_id is None:
        return LiveRegister(mapping)
    edition = Edition.objects.get(pk=edition_id, mapping=mapping)
    edition.mapping = mapping
    return EditionRegister(edition)


def _today():
    return timezone.localdate()


def queue_pdf(printed: PrintedRegister, *, delay: int = 0) -> None:
    """Queue a render of this PDF, unless one is queued and not yet started."""
    if not cache.add(printed.queued_key, time.time(), PDF_OVERDUE_SECONDS * 2):
        return
    register = printed.register
    edition_id = register.edition.pk if register.edition else None
    job = render_pdf
    if delay and default_task_backend.supports_defer:
        job = render_pdf.using(run_after=timezone.now() + timedelta(seconds=delay))
    try:
        job.enqueue(register.mapping.pk, edition_id, printed.origin)
    except Exception:
        cache.delete(printed.queued_key)
        raise


def offered_pdf(printed: PrintedRegister, *, wait: bool = True) -> tuple[RegisterPdf, bool]:
    """The PDF to give a reader, and whether it shows the register as it is now.

    The one kept for now if there is one; else a render is queued (with the immediate
    backend it is done at once), waited for a few seconds (PDF_FRESH_WAIT, if wait), and meanwhile
    the latest one is given. Only when there is none at all, or the queued render looks
    lost, is the reader kept waiting for one.
    """
    found = printed.current()
    if found is not None:
        return found, True
    queue_pdf(printed)
    found = printed.current()
    if found is not None:
        return found, True
    queued = cache.get(printed.queued_key)
    overdue = queued is not None and time.time() - queued > PDF_OVERDUE_SECONDS
    latest = None if overdue else printed.latest()
    if latest is None:
        return printed.keep(), True
    # A render after an edit lays out only what changed: it is often done in a moment,
    # worth a short wait rather than handing out what the reader has just changed (for
    # someone signed in, who may have: anyone else is not kept a moment).
    deadline = time.monotonic() + (PDF_FRESH_WAIT if wait else 0)
    while time.monotonic() < deadline:
        time.sleep(0.2)
        if (found := printed.current()) is not None:
            return found, True
    return latest, False


def registers_changed(sender, events: list[RegisterEvent], mapping_ids, committed: bool,
                      **kwargs) -> None:  # fmt: skip
    """The write path's announcement, once committed (mapping/models/events.py): queue the
    live PDFs of the registers that changed, and the PDF of any edition just published, at
    every site address readers use. No other register's PDF is touched."""
    if not committed:
        return
    try:
        queue_live_pdfs(mapping_ids)
        for event in events:
            if event.subject_type == "edition" and event.action == "published":
                _queue_edition(Edition.objects.select_related("mapping").get(pk=event.subject_id))
    except Exception:
        # A page must not fail after its write committed; the next reader queues it.
        logger.exception("Could not queue the PDFs of registers %s.", sorted(mapping_ids))


def queue_live_pdfs(mapping_ids) -> None:
    """Queue these live registers' PDFs. A burst of writes to one register queues one
    render (see PDF_DEBOUNCE_SECONDS)."""
    origins = known_origins()
    if not origins or not mapping_ids:
        return
    delay = PDF_DEBOUNCE_SECONDS if default_task_backend.supports_defer else 0
    today = _today()
    for mapping in Mapping.objects.with_frameworks().filter(pk__in=mapping_ids):
        if delay and not cache.add(LIVE_QUEUED_KEY.format(mapping.pk), True, delay):
            continue  # queued within the debounce: that render starts after this write
        for origin in origins:
            queue_pdf(PrintedRegister(LiveRegister(mapping), origin, today=today), delay=delay)


def _queue_edition(edition: Edition) -> None:
    register = EditionRegister(edition)
    for origin in known_origins():
        queue_pdf(PrintedRegister(register, origin, today=_today()))


@task()
def deliver_notices() -> None:
    """Send the notices that are due; come back when the next one is (where the backend
    can run a task later: a notice gathering proposals waits up to 15 minutes)."""
    deliver_due()
    deliver_when_due()


def deliver_when_due() -> None:
    """Come back when the next notice waiting falls due: one that waits to be gathered,
    or to be tried again after the mail server failed (where the backend can run a task
    later)."""
    later = next_due()
    if later is not None and default_task_backend.supports_defer:
        deliver_notices.using(run_after=max(later, timezone.now())).enqueue()


@task()
def send_password_reset(email: str) -> None:
    """Django's reset email to each account with this address, its link where the site is
    (WEAVE_SITE_URL), whatever address the request came in by (an internal host name, a
    proxy that does not say). Sent here, not in the request (mapping/views/account.py)."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    site = settings.WEAVE_SITE_URL.rstrip("/")
    form.save(domain_override=urlsplit(site).netloc, use_https=site.startswith("https:"),
              extra_email_context={"days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
                                   "site": site})  # fmt: skip
