"""Notifications, sent through a real SMTP server on loopback (aiosmtpd) and read as they
arrived: publishers hear of proposed links (at most one email per 15 minutes each, with a
frozen clock), watchers of published editions and, daily, of what changed; every email has
a plain and an HTML part and a link that unsubscribes without signing in; a mail server that
is down is tried again later, and the failure logged."""

import io
import socket
from datetime import timedelta
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mapping.models import Change, Edition, ImportBatch, Link, LinkStatus, Membership
from mapping.models.notices import Notice, Preferences, Watch
from mapping.notifying import queue, sending
from mapping.notifying.queue import proposed, queue_digests
from mapping.notifying.sending import deliver_due

# What is announced once committed is what sends notices: each write commits.
pytestmark = pytest.mark.django_db(transaction=True)


class Inbox:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's name for it
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(settings):
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.WEAVE_SITE_URL = "http://testserver"
    yield handler
    controller.stop()


@pytest.fixture
def publishers(small, people):
    for name in ("publisher", "editor"):
        people[name].email = f"{name}@example.org"
        people[name].save()
    return people


def _parts(message) -> tuple[str, str]:
    return (message.get_body(("plain",)).get_content(),
            message.get_body(("html",)).get_content())  # fmt: skip


def _propose(small, people, source="b12", target="s11"):
    link = Link.objects.create(mapping=small["mapping"], source=small[source],
                               target=small[target], relation="supports",
                               rationale="Worth a look.", status=LinkStatus.DRAFT)  # fmt: skip
    link.propose(by=people["editor"])
    return link


def test_a_proposed_link_reaches_the_publishers_by_email(publishers, small, inbox):
    link = _propose(small, publishers)
    [message] = inbox.messages  # the publisher, not the editor who proposed it
    assert message["To"] == "publisher@example.org"
    assert message["Subject"] == "Links proposed for your review"
    assert str(message["List-Unsubscribe"]).strip().startswith("<http://testserver/notifications/")
    plain, html = _parts(message)
    assert "B1.2 → S1.1 in Our ways to the standards: Supports" in plain
    assert f'href="http://testserver/links/{link.pk}/"' in html
    # "Choose what Weave emails you" leads to that choice itself.
    assert f'<a href="http://testserver{reverse("notices")}">Choose what Weave emails you' in html
    assert Client().get(f"/links/{link.pk}/").status_code == 200  # the link works


def test_a_link_added_as_proposed_or_sent_back_for_approval_by_an_edit_is_told_too(
    publishers, small, inbox
):
    """ "Save and propose", and an editor's change to an approved link (it goes back for
    approval), leave a link waiting as the Propose button does; a draft's edit does not."""
    editor = publishers["editor"]
    Link.objects.create_draft(small["mapping"], source=small["b12"], target=small["s11"],
                              by=editor, propose=True, relation="supports",
                              rationale="Straight in.")  # fmt: skip
    [first] = inbox.messages
    assert "B1.2 → S1.1" in _parts(first)[0]
    Notice.objects.update(sent_at=timezone.now() - timedelta(hours=1))  # past the gathering
    Link.objects.filter(pk=small["b11_s11"].pk).update(status=LinkStatus.APPROVED)
    approved = Link.objects.get(pk=small["b11_s11"].pk)
    approved.edit(by=editor, revision=approved.revision, rationale="Reworded.")
    assert Link.objects.get(pk=approved.pk).status == LinkStatus.PROPOSED
    assert len(inbox.messages) == 2 and "B1.1 → S1.1" in _parts(inbox.messages[1])[0]
    draft = Link.objects.create_draft(
        small["mapping"],
        source=small["b2"],
        target=small["s2"],
        by=editor,
        relation="supports",
        rationale="Draft.",
    )
    draft.edit(by=editor, revision=draft.revision, rationale="Still a draft.")
    assert len(inbox.messages) == 2


def test_proposals_are_gathered_at_most_one_email_per_15_minutes(publishers, small, inbox):
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    ours = small["mapping"]
    first = Link.objects.create(mapping=ours, source=small["b12"], target=small["s11"],
                                relation="supports", rationale="A.",
                                status=LinkStatus.PROPOSED)  # fmt: skip
    second = Link.objects.create(mapping=ours, source=small["b2"], target=small["s2"],
                                 relation="supports", rationale="B.",
                                 status=LinkStatus.PROPOSED)  # fmt: skip
    proposed([first], by_id=None, now=noon)
    assert deliver_due(noon) == 1  # the first goes at once
    proposed([second], by_id=None, now=noon + timedelta(minutes=2))
    proposed([first], by_id=None, now=noon + timedelta(minutes=3))
    assert deliver_due(noon + timedelta(minutes=14)) == 0  # gathering
    assert deliver_due(noon + timedelta(minutes=15)) == 1  # both in one email
    assert len(inbox.messages) == 2
    later, _html = _parts(inbox.messages[1])
    assert "B2 → S2" in later and "B1.2 → S1.1" in later
    assert "the review queue has them all: http://testserver/review/" in later


def test_a_proposal_decided_or_a_person_deactivated_before_the_email_goes(
    publishers, small, inbox, people
):
    """What the email would say is looked at again when it goes: a link approved meanwhile
    is left out (with nothing left, no email), and a deactivated account gets none."""
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    ours = small["mapping"]
    made = [Link.objects.create(mapping=ours, source=small[source], target=small[target],
                                relation="supports", rationale="A.", status=LinkStatus.PROPOSED)
            for source, target in (("b12", "s11"), ("b2", "s2"))]  # fmt: skip
    proposed(made, by_id=None, now=noon)
    made[0].approve(by=people["admin"])
    assert deliver_due(noon) == 1
    plain, _html = _parts(inbox.messages[-1])
    assert "B2 → S2" in plain and "B1.2 → S1.1" not in plain
    Notice.objects.update(sent_at=noon - timedelta(hours=1))
    proposed([made[1]], by_id=None, now=noon)
    made[1].approve(by=people["admin"])
    assert deliver_due(noon) == 0 and not Notice.objects.filter(sent_at__isnull=True).exists()
    third = Link.objects.create(
        mapping=ours,
        source=small["b12"],
        target=small["s2"],
        relation="supports",
        rationale="C.",
        status=LinkStatus.PROPOSED,
    )
    proposed([third], by_id=None, now=noon)
    people["publisher"].is_active = False
    people["publisher"].save()
    assert deliver_due(noon) == 0
    assert Notice.objects.get(sent_at__isnull=True).last_error == "The account was deactivated."


def test_watchers_hear_of_an_edition_with_the_comparison(publishers, small, inbox, people):
    Watch.objects.create(user=people["editor"], mapping=small["mapping"], editions=True)
    Edition.objects.publish(small["mapping"], by=people["publisher"], title="One")
    Change.objects.apply(small["b11_s11"], {"rationale": "Changed."}, by=people["publisher"])
    Edition.objects.publish(small["mapping"], by=people["publisher"], title="Two",
                            notes="Three rationales\nreviewed.")  # fmt: skip
    subjects = [m["Subject"] for m in inbox.messages]
    assert subjects == ["A new edition of Our ways to the standards"] * 2
    plain, _html = _parts(inbox.messages[1])
    assert "Edition 2 of Our ways to the standards: Two. The publisher's notes: Three " \
        "rationales reviewed." in plain  # fmt: skip
    compare = next(line.strip() for line in plain.splitlines() if "compare" in line)
    path = urlsplit(compare)
    assert Client().get(f"{path.path}?{path.query}").status_code == 200


def test_a_register_name_with_a_line_break_is_one_line_in_the_subject(
    publishers, small, inbox, people
):
    """An older install may hold one (a form never takes it now): the subject is one line,
    and no header is added by it."""
    from mapping.models import Mapping

    Mapping.objects.filter(pk=small["mapping"].pk).update(name="Ours\nBcc: all@example.org")
    Watch.objects.create(user=people["editor"], mapping=small["mapping"], editions=True)
    Edition.objects.publish(Mapping.objects.get(pk=small["mapping"].pk), by=people["publisher"],
                            title="One")  # fmt: skip
    [message] = inbox.messages
    assert message["Subject"] == "A new edition of Ours Bcc: all@example.org"
    assert message["Bcc"] is None


def test_each_change_is_in_one_digest_told_in_the_sites_time(publishers, small, people, settings):
    """Run twice, the digest job queues nothing new the second time; a change after it
    is in the next digest alone; and its time is the site's (TIME_ZONE), not UTC."""
    settings.TIME_ZONE = "Asia/Tokyo"  # nine hours from UTC all year
    Watch.objects.create(user=people["editor"], mapping=small["mapping"], editions=False,
                         digest=True)  # fmt: skip
    first = Change.objects.apply(small["b11_s11"], {"rationale": "Changed."},
                                 by=people["publisher"])  # fmt: skip
    now = timezone.now()
    assert queue_digests(now + timedelta(minutes=1)) == 1
    assert queue_digests(now + timedelta(minutes=2)) == 0
    [notice] = Notice.objects.filter(kind=Notice.Kind.DIGEST)
    tokyo = timezone.localtime(first.at)
    assert tokyo.utcoffset() == timedelta(hours=9)
    assert notice.items[0][0].startswith(f"{tokyo:%H:%M} Edited link B1.1 → S1.1")
    second = Change.objects.apply(small["b2_s12"], {"rationale": "Later."}, by=people["publisher"])
    Change.objects.filter(pk=second.pk).update(at=now + timedelta(minutes=3))
    assert queue_digests(now + timedelta(minutes=4)) == 1
    latest = Notice.objects.filter(kind=Notice.Kind.DIGEST).order_by("-created_at").first()
    assert [item[0].split(" ", 1)[1] for item in latest.items] == [
        "Edited link B2 → S1.2, by publisher"]  # fmt: skip


def test_the_daily_digest_tells_what_changed_in_the_day(publishers, small, inbox, people):
    Watch.objects.create(user=people["editor"], mapping=small["mapping"], editions=False,
                         digest=True)  # fmt: skip
    now = timezone.now()
    edited = Change.objects.apply(small["b11_s11"], {"rationale": "Changed."},
                                  by=people["publisher"])  # fmt: skip
    undone = edited.revert(by=people["publisher"])
    new = Link.objects.create(
        mapping=small["mapping"],
        source=small["b12"],
        target=small["s1"],
        relation="supports",
        rationale="New.",
    )
    created = Change.objects.record(new, action=Change.Action.CREATED, before={}, by=None)
    retired = created.revert(by=people["publisher"])
    old = Change.objects.apply(small["b2_s12"], {"rationale": "Long ago."}, by=people["publisher"])
    Change.objects.filter(pk=old.pk).update(at=now - timedelta(days=2))
    assert queue_digests(now + timedelta(minutes=1)) == 1
    deliver_due(now + timedelta(minutes=1))
    [message] = inbox.messages
    plain, _html = _parts(message)
    assert message["Subject"] == "What changed in Our ways to the standards today"
    assert "B1.1 → S1.1" in plain and "B2 → S1.2" not in plain
    # Each line says who, and leads to the link changed.
    assert "Edited link B1.1 → S1.1, by publisher" in plain
    # A revert says which change it undid, and when it retired a link, that it did.
    at = timezone.localtime(edited.at)
    assert f"Reverted link B1.1 → S1.1 (undoing the edit of {at:%-d %B, %H:%M}), by publisher" \
        in plain  # fmt: skip
    assert "Reverted link B1.2 → S1 (undoing its creation; the link is now retired)" in plain
    assert undone.pk and retired.pk
    assert f"http://testserver/links/{small['b11_s11'].pk}/" in plain


def test_the_unsubscribe_link_works_without_signing_in(publishers, small, inbox):
    _propose(small, publishers)
    plain, _html = _parts(inbox.messages[0])
    address = next(line.split(": ", 1)[1] for line in plain.splitlines()
                   if line.startswith("Stop these emails"))  # fmt: skip
    path = urlsplit(address).path
    client = Client()
    assert "Stop emailing publisher@example.org when links are proposed" in \
        client.get(path).content.decode()  # fmt: skip
    assert Preferences.of(publishers["publisher"]).proposals  # a GET changes nothing
    done = client.post(path)
    assert "will not email publisher@example.org about proposed links" in done.content.decode()
    assert not Preferences.of(publishers["publisher"]).proposals
    _propose(small, publishers, "b2", "s2")
    assert len(inbox.messages) == 1
    assert Client().get(path[:-5] + "xxxx/").status_code == 400  # a tampered link


def test_a_mail_server_that_is_down_is_tried_again_and_logged(publishers, small, settings,
                                                              caplog):  # fmt: skip
    settings.EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    link = _propose(small, publishers)  # the proposal itself succeeds
    assert Link.objects.get(pk=link.pk).status == LinkStatus.PROPOSED
    notice = Notice.objects.get()
    assert (notice.attempts, notice.sent_at) == (1, None)
    assert "Could not email publisher@example.org (proposals), attempt 1" in caplog.text
    assert notice.send_after > timezone.now()
    later = timezone.now()
    for _attempt in range(4):  # the retries, each when it falls due
        later += timedelta(hours=3)
        deliver_due(later)
    notice.refresh_from_db()
    assert (notice.attempts, notice.given_up) == (5, True)
    assert "Gave up emailing publisher@example.org (proposals) after 5 attempts" in caplog.text


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_a_digest_the_mail_server_refused_is_left_to_the_worker_to_try_again(
    publishers, small, people, settings
):
    """send_digests runs once a day: what the mail server refused then is queued for the
    worker, to be tried again when it falls due, not the next day."""
    settings.EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    Watch.objects.create(user=people["editor"], mapping=small["mapping"], editions=False,
                         digest=True)  # fmt: skip
    Change.objects.apply(small["b11_s11"], {"rationale": "Changed."}, by=people["publisher"])
    DBTaskResult.objects.all().delete()
    call_command("send_digests", stdout=io.StringIO())
    notice = Notice.objects.get(kind=Notice.Kind.DIGEST)
    assert (notice.attempts, notice.sent_at) == (1, None)
    [retry] = DBTaskResult.objects.filter(task_path="mapping.tasks.deliver_notices")
    assert retry.run_after == notice.send_after


def test_each_person_chooses_on_their_account_page(publishers, small, people):
    client = Client()
    client.force_login(people["publisher"])
    page = client.get("/accounts/notifications/").content.decode()
    assert "Email me when a link is proposed" in page
    pk = small["mapping"].pk
    client.post("/accounts/notifications/", {"chosen": [f"editions:{pk}", f"digest:{pk}"]})
    watch = Watch.objects.get(user=people["publisher"])
    assert (watch.editions, watch.digest) == (True, True)
    assert not Preferences.of(people["publisher"]).proposals
    Membership.objects.filter(user=people["viewer"]).delete()
    viewer = Client()
    viewer.force_login(people["viewer"])
    assert "Email me when a link is proposed" not in viewer.get("/accounts/notifications/")\
        .content.decode()  # fmt: skip


def test_a_site_that_cannot_send_email_says_so_in_words_for_each_reader(
    publishers, people, settings
):
    settings.EMAIL_ENABLED = False
    said = {}
    for name in ("publisher", "admin"):
        client = Client()
        client.force_login(people[name])
        said[name] = client.get("/accounts/notifications/").content.decode()
    assert "This site cannot send email yet" in said["publisher"]
    assert "An administrator can set that up." in said["publisher"]
    assert "EMAIL_URL" not in said["publisher"]
    assert "<code>EMAIL_URL</code>" in said["admin"]


def _import_proposed(client, rows: str) -> None:
    header = "source code,target code,relation,rationale,example\n"
    upload = SimpleUploadedFile("links.csv", (header + rows).encode(), content_type="text/csv")
    client.post(reverse("link_import"), {"file": upload, "status": "proposed"})
    batch = ImportBatch.objects.get(applied_at__isnull=True)  # the one just uploaded
    client.post(reverse("import_apply", args=[batch.pk]))


def test_links_imported_as_proposed_reach_the_publishers_too(publishers, small, inbox):
    """An import saves its links in one batch: each that comes to wait is told, as the
    Propose button's are; an import of many is one line leading to the review queue."""
    editor = Client()
    editor.force_login(publishers["editor"])
    _import_proposed(editor, "B2,S2,supports,Bravery serves people.,\n"
                             "B1.2,S1.1,partly covers,Listening is part of it.,\n")  # fmt: skip
    [message] = inbox.messages
    assert message["To"] == "publisher@example.org"
    plain, html = _parts(message)
    assert "B2 → S2 in Our ways to the standards: Supports" in plain
    assert "B1.2 → S1.1 in Our ways to the standards: Partly covers" in plain
    many = Link.objects.filter(mapping=small["mapping"]).count()
    Notice.objects.update(sent_at=timezone.now() - timedelta(hours=1))  # past the gathering
    codes = [element.code for element in small["mapping"].source_framework.elements.all()]
    targets = [element.code for element in small["mapping"].target_framework.elements.all()]
    rows = "".join(f"{source},{target},supports,Imported in bulk.,\n" for source in codes
                   for target in targets if not Link.objects.filter(
                       source__code=source, target__code=target).exists())  # fmt: skip
    _import_proposed(editor, rows)
    waiting = Link.objects.filter(mapping=small["mapping"]).count() - many
    assert waiting > 10
    plain, html = _parts(inbox.messages[1])
    assert f"{waiting} links in Our ways to the standards wait for approval" in plain
    assert f'href="http://testserver{reverse("review")}?register=' in html


def test_a_digest_longer_than_its_lines_says_how_many_more(publishers, small, people,
                                                           monkeypatch):  # fmt: skip
    monkeypatch.setattr(queue, "DIGEST_LINES", 2)
    Watch.objects.create(user=people["editor"], mapping=small["mapping"], editions=False,
                         digest=True)  # fmt: skip
    for text in ("One.", "Two.", "Three.", "Four."):
        Change.objects.apply(small["b11_s11"], {"rationale": text}, by=people["publisher"])
    assert queue_digests(timezone.now() + timedelta(minutes=1)) == 1
    [notice] = Notice.objects.filter(kind=Notice.Kind.DIGEST)
    assert len(notice.items) == 3
    assert notice.items[-1] == ["and 2 more changes",
                                f"http://testserver{reverse('changes')}?register=ours"]  # fmt: skip


def test_a_notice_another_worker_claimed_is_not_sent_twice(publishers, small, inbox, people):
    """Two workers listing the same due notices: whichever claims one first sends it."""
    now = timezone.now()
    notice = Notice.objects.create(user=people["publisher"], kind=Notice.Kind.PROPOSALS,
                                   items=[["B1.1 → S1.1", "http://testserver/"]],
                                   send_after=now - timedelta(minutes=1))  # fmt: skip
    listed = list(Notice.due(now).values_list("pk", flat=True))
    assert listed == [notice.pk]
    assert sending._deliver(listed, now) == 1  # the first worker
    assert sending._deliver(listed, now) == 0  # the second, with the same list
    assert len(inbox.messages) == 1


def test_a_batchs_line_counts_what_still_waits_when_the_email_goes(
    publishers, small, inbox, people, monkeypatch
):
    """An import's one line ("12 links … wait for approval") is counted again when it goes:
    fewer if some were decided, and no email if none still waits."""
    monkeypatch.setattr(queue, "ITEMS_A_BATCH", 1)
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    ours = small["mapping"]
    made = [Link.objects.create(mapping=ours, source=small[source], target=small[target],
                                relation="supports", rationale="A.", status=LinkStatus.PROPOSED)
            for source, target in (("b12", "s11"), ("b2", "s2"), ("b12", "s2"))]  # fmt: skip
    proposed(made, by_id=None, now=noon)
    made[0].approve(by=people["admin"])
    made[1].approve(by=people["admin"])
    assert deliver_due(noon) == 1
    plain, _html = _parts(inbox.messages[-1])
    assert "1 link in Our ways to the standards waits for approval" in plain
    Notice.objects.update(sent_at=noon - timedelta(hours=1))
    proposed(made[2:] + made[:1], by_id=None, now=noon)
    made[2].approve(by=people["admin"])
    assert deliver_due(noon) == 0 and len(inbox.messages) == 1
