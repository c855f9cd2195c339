"""PDFs that nobody waits for: rendered in the background when the register changes or an
edition is published, kept in the cache under the register's version, and, while a new one
renders, the last one served with the page saying so."""

import io
import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from mapping import tasks
from mapping.models import Change, Edition, Link, Mapping
from mapping.pdf import document as register_pdf_module
from mapping.pdf.store import PrintedRegister, known_origins, remember_origin
from mapping.register import LiveRegister
from tests.mapping.test_pdf import pdftotext
from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()

URL = reverse("guide_pdf")
STATUS = reverse("pdf_status")
ORIGIN = "http://testserver"


def database_queue() -> override_settings:
    """The database's task queue, with no worker: what is queued stays queued. A fresh
    override each time (one instance shared by several tests has left the queue in place
    for the tests after them, under xdist)."""
    return override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})


def queued() -> list[list]:
    rows = DBTaskResult.objects.filter(task_path="mapping.tasks.render_pdf")
    return [row.args_kwargs["args"] for row in rows.order_by("enqueued_at")]


def rewrite_a_link(demo, text: str) -> Link:
    link = demo.links.order_by("pk").first()
    Change.objects.apply(link, {"rationale": text}, by=None)
    return link


def flat(content: bytes) -> str:
    return " ".join(pdftotext(content).split())


@pytest.fixture
def rendering():
    """Counts the renders (the real one still runs)."""
    with mock.patch.object(
        register_pdf_module, "render_register_pdf", wraps=register_pdf_module.render_register_pdf
    ) as render:
        yield render


def test_it_remembers_the_site_address_readers_use(client, demo):
    assert known_origins() == []
    client.get(URL)
    assert known_origins() == [ORIGIN]


@database_queue()
def test_a_committed_write_queues_one_render_per_live_register(
    demo, django_capture_on_commit_callbacks
):
    remember_origin(ORIGIN)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rewrite_a_link(demo, "Rewritten once.")
    # A burst of writes, each committed: still one render queued for each register.
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            rewrite_a_link(demo, f"Rewritten {n}.")
    # The register, and the one that infers through it (its suggestions changed too).
    changed = {demo.pk} | Mapping.objects.inferring_through({demo.pk})
    assert len(changed) == 2
    expected = sorted([pk, None, ORIGIN] for pk in changed)
    assert sorted(queued()) == expected


@database_queue()
def test_nothing_is_queued_before_anyone_has_asked_for_a_pdf(
    demo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rewrite_a_link(demo, "Rewritten.")
    assert queued() == []


def test_with_the_immediate_backend_the_new_pdf_is_ready_after_the_write(
    client, demo, django_capture_on_commit_callbacks, rendering
):
    client.get(URL)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rewrite_a_link(demo, "A rationale written after the first PDF.")
    # The first request's, and after the commit the register's and the one inferring
    # through it.
    assert rendering.call_count == 3
    printed = PrintedRegister(LiveRegister(demo), ORIGIN, today=tasks._today())
    assert printed.has_current()
    response = client.get(URL)
    assert rendering.call_count == 3  # served from the cache
    assert "A rationale written after the first PDF." in flat(response.content)


@database_queue()
def test_publishing_an_edition_queues_its_pdf(demo, django_capture_on_commit_callbacks):
    remember_origin(ORIGIN)
    with django_capture_on_commit_callbacks(execute=True):
        edition = Edition.objects.publish(demo, by=None, title="Spring")
    assert [demo.pk, edition.pk, ORIGIN] in queued()


def test_a_published_editions_pdf_is_rendered_and_kept(
    client, demo, django_capture_on_commit_callbacks, rendering
):
    remember_origin(ORIGIN)
    with django_capture_on_commit_callbacks(execute=True):
        edition = Edition.objects.publish(demo, by=None, title="Spring")
    rendered = rendering.call_count
    assert rendered >= 1
    response = client.get(reverse("guide_pdf", kwargs={"number": edition.number}))
    assert rendering.call_count == rendered
    assert f"{edition.number} (Spring), published" in flat(response.content)


def test_while_a_new_pdf_renders_the_last_one_is_served_and_the_page_says_so(
    client, demo, monkeypatch
):
    monkeypatch.setattr(tasks, "PDF_FRESH_WAIT", 0.5)  # no worker here: waited for in vain
    first = client.get(URL)
    assert "X-Weave-PDF" not in first
    with database_queue():
        rewrite_a_link(demo, "A rationale the old PDF does not have.")
        served = client.get(URL)
        status = client.get(STATUS, headers={"HX-Request": "true"})
        [args] = queued()
    # The reader is not kept waiting: the last PDF, marked as such.
    assert served.status_code == 200
    assert served.content == first.content
    assert served["X-Weave-PDF"].startswith("previous")
    assert served["Cache-Control"] == "no-cache"
    html = status.content.decode()
    assert html.lstrip().startswith('<li id="pdf-link"')
    assert "A new PDF is being prepared" in html
    assert f'hx-get="{STATUS}?waited=1" hx-trigger="load delay:3s"' in html  # and asks again
    assert 'id="pdf-download"' in html  # the focus stays on the link when it is swapped
    assert "data-announce" not in html
    # The worker renders it; then the new one is served and the page says nothing more.
    tasks.render_pdf.call(*args)
    after = client.get(URL)
    assert "X-Weave-PDF" not in after
    assert "A rationale the old PDF does not have." in flat(after.content)
    html = client.get(STATUS, headers={"HX-Request": "true"}).content.decode()
    assert "being prepared" not in html and "hx-get" not in html
    assert "The new PDF is ready" not in html  # the guide's first ask: nothing was awaited
    waited = client.get(STATUS + "?waited=1", headers={"HX-Request": "true"}).content.decode()
    assert '<p class="notice made" data-announce>The new PDF is ready' in waited


def test_the_guide_asks_for_the_pdfs_state_without_keeping_it(client, demo):
    html = client.get("/").content.decode()
    assert f'hx-get="{STATUS}" hx-trigger="load"' in html
    assert f'href="{URL}" download' in html


@database_queue()
def test_the_very_first_pdf_is_rendered_for_the_reader(client, demo):
    response = client.get(URL)
    assert response.status_code == 200
    assert "X-Weave-PDF" not in response
    assert "How to cite this register" in flat(response.content)


def test_a_render_queued_long_ago_and_never_done_is_done_for_the_reader(client, demo):
    client.get(URL)
    with database_queue():
        rewrite_a_link(demo, "Written while no worker runs.")
        printed = PrintedRegister(LiveRegister(demo), ORIGIN, today=tasks._today())
        cache.set(printed.queued_key, time.time() - tasks.PDF_OVERDUE_SECONDS - 1, 60)
        response = client.get(URL)
    assert "X-Weave-PDF" not in response
    assert "Written while no worker runs." in flat(response.content)


def test_a_write_that_changes_nothing_printed_reuses_the_pdf(client, demo, rendering):
    first = client.get(URL)
    # the register announced as changed (as after raw SQL), though nothing printed changed
    call_command("announce_changes", stdout=io.StringIO())
    second = client.get(URL)
    assert rendering.call_count == 1
    assert second.content == first.content and "X-Weave-PDF" not in second


def test_the_status_page_is_a_page_of_its_own(client, demo):
    response = client.get(STATUS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and "The printable register" in html


def test_a_change_to_a_crosswalk_renders_the_registers_inferring_through_it_again(
    client, demo, django_capture_on_commit_callbacks, rendering
):
    """Its inferred links are part of what a register's PDF shows: a crosswalk edit that
    changes them gives the register a new PDF (it reused the last one, still showing
    the old relation)."""
    cc = Mapping.objects.with_frameworks().get(slug="example-homes-cc")
    url = f"/m/{cc.slug}/guide.pdf"
    before = client.get(url)
    assert before.status_code == 200
    inferred_before = {(i.source_id, i.target_id, i.relation)
                       for i in LiveRegister(cc).inferred_as_kept()}  # fmt: skip
    crosswalk = Mapping.objects.get(slug="cih-cc")
    link = crosswalk.links.exclude(relation="same_as").order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Change.objects.apply(link, {"relation": "same_as"}, by=None)
    inferred_after = {(i.source_id, i.target_id, i.relation)
                      for i in LiveRegister(cc).inferred_as_kept()}  # fmt: skip
    assert inferred_after != inferred_before  # the edit changed what is inferred
    after = client.get(url)
    assert after.status_code == 200 and "X-Weave-PDF" not in after
    assert flat(after.content) != flat(before.content)


def test_a_reader_waits_a_moment_for_the_render_a_change_queued(monkeypatch):
    """A render after an edit is often done in a moment: a signed-in reader's download
    waits a few seconds for it (PDF_FRESH_WAIT) before handing out the one from before."""
    fresh, old = mock.Mock(name="fresh"), mock.Mock(name="old")
    printed = mock.Mock(queued_key="queued")
    printed.current.side_effect = [None, None, None, fresh]  # done on the third look
    printed.latest.return_value = old
    monkeypatch.setattr(tasks, "queue_pdf", lambda printed: None)
    assert tasks.offered_pdf(printed) == (fresh, True)
    printed.current.side_effect = None
    printed.current.return_value = None  # never done in time
    monkeypatch.setattr(tasks, "PDF_FRESH_WAIT", 0.5)
    started = time.monotonic()
    assert tasks.offered_pdf(printed) == (old, False)
    assert 0.4 < time.monotonic() - started < 2
    # Nobody signed in (most readers) is not kept waiting at all.
    started = time.monotonic()
    assert tasks.offered_pdf(printed, wait=False) == (old, False)
    assert time.monotonic() - started < 0.3
