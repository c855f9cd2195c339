"""Changes announced from the write path: each register's kept pages, ETags and PDFs renew
when that register changes, and only then; a login changes nothing kept; writes that go
round the write path are caught by the safety net (model signals) or announced by hand
(manage.py announce_changes)."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from mapping.caching import versioning
from mapping.models import Change, Edition, Link, LinkStatus, Mapping, ReviewedGap
from mapping.models.events import RegisterEvent, announce, registers_changed
from mapping.pdf.store import PrintedRegister
from mapping.register import LiveRegister
from standards.models import Element, Framework

ORIGIN = "http://testserver"


@pytest.fixture
def two(small):
    """The small register ("ours", the default) and a second one between two other
    frameworks ("theirs"), each with a link."""
    values = Framework.objects.create(name="Values", slug="values", kind="behaviours",
                                      publisher="Org")  # fmt: skip
    rules = Framework.objects.create(name="Rules", slug="rules", kind="standards",
                                     publisher="Body")  # fmt: skip
    v1 = Element.objects.create(framework=values, code="V1", title="Care", level_label="Value")
    r1 = Element.objects.create(framework=rules, code="R1", title="Duty", level_label="Rule")
    theirs = Mapping.objects.create(name="Theirs", slug="theirs", organisation="Org",
                                    source_framework=values, target_framework=rules)  # fmt: skip
    link = Link.objects.create(mapping=theirs, source=v1, target=r1, relation="supports",
                               rationale="Care is a duty.")  # fmt: skip
    return {**small, "theirs": theirs, "their_link": link, "v1": v1}


def _etag(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response["ETag"]


def _pages(client: Client) -> dict[str, str]:
    urls = ("/", "/links/", "/matrix/", "/m/theirs/", "/m/theirs/links/")
    return {url: _etag(client, url) for url in urls}


def test_editing_one_register_renews_its_pages_and_no_others(two, client, people):
    before = _pages(client)
    link = two["b11_s11"]
    link.edit(by=people["editor"], revision=link.revision, rationale="Listening, newly said.")
    after = _pages(client)
    assert after["/"] != before["/"] and after["/links/"] != before["/links/"]
    assert after["/m/theirs/"] == before["/m/theirs/"]
    assert after["/m/theirs/links/"] == before["/m/theirs/links/"]


def test_an_element_change_renews_every_register_that_maps_its_framework(two, client, people):
    before = _pages(client)
    Change.objects.apply(two["v1"], {"title": "Care deeply"}, by=people["editor"])
    after = _pages(client)
    assert after["/m/theirs/"] != before["/m/theirs/"]
    assert after["/links/"] == before["/links/"] and after["/matrix/"] == before["/matrix/"]
    # The site's home lists every register with its figures: it renews with any of them.
    assert after["/"] != before["/"]


def test_editing_one_register_leaves_the_others_kept_pdf(two, people):
    today = timezone.localdate()

    def printed(slug: str) -> PrintedRegister:
        mapping = Mapping.objects.with_frameworks().get(slug=slug)
        return PrintedRegister(LiveRegister(mapping), ORIGIN, today=today)

    printed("ours").keep()
    printed("theirs").keep()
    link = two["their_link"]
    link.edit(by=people["editor"], revision=link.revision, rationale="Caring is a duty.")
    assert printed("ours").current() is not None  # still kept: nothing of ours changed
    assert printed("theirs").current() is None  # a new one is wanted


def test_logging_in_changes_no_kept_page(two, client, people):
    before = _pages(client) | {"site": versioning.version(), "ours": versioning.version("ours")}
    other = Client()
    last_login = people["editor"].last_login
    other.force_login(people["editor"])  # a login: it updates last_login
    other.get("/accounts/")
    people["editor"].refresh_from_db()
    assert people["editor"].last_login != last_login
    after = _pages(client) | {"site": versioning.version(), "ours": versioning.version("ours")}
    assert after == before


def test_a_rolled_back_write_is_never_announced_as_committed(two, people):
    heard = []

    def listen(sender, committed, events, **kwargs):
        heard.append((committed, [event.action for event in events]))

    registers_changed.connect(listen)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            link = two["b11_s11"]
            link.edit(by=people["editor"], revision=link.revision, rationale="Gone again.")
            raise RuntimeError("changed my mind")
    finally:
        registers_changed.disconnect(listen)
    assert heard and all(not committed for committed, _actions in heard)


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_says_what_happened_to_which_register(django_db_setup):
    call_command("seed_demo", password="pw", stdout=io.StringIO())
    mapping = Mapping.objects.default()
    heard: list[RegisterEvent] = []

    def listen(sender, committed, events, **kwargs):
        if committed:
            heard.extend(events)

    registers_changed.connect(listen)
    try:
        link = mapping.links.first()
        link.retire(by=None, reason="Not true any more.")
        Edition.objects.publish(mapping, by=None, title="Second")
    finally:
        registers_changed.disconnect(listen)
    actions = [(e.action, e.subject_type, sorted(e.mapping_ids)) for e in heard]
    assert ("retired", "link", [mapping.pk]) in actions
    assert ("published", "edition", [mapping.pk]) in actions


class TestTheSafetyNet:
    """Writes that go round the write path."""

    def test_an_admin_edit_renews_the_register(self, two, client, admin_client):
        before = _etag(client, "/m/theirs/")
        link = two["their_link"]
        response = admin_client.post(f"/admin/mapping/link/{link.pk}/change/", {
            "mapping": two["theirs"].pk, "source": link.source_id, "target": link.target_id,
            "relation": "fully_covers", "rationale": "Changed in the admin.", "example": "",
            "status": LinkStatus.APPROVED, "retired_reason": "",
        })  # fmt: skip
        assert response.status_code == 302
        assert _etag(client, "/m/theirs/") != before

    def test_a_reviewed_gap_saved_by_any_road_renews_the_register(self, two, client):
        before = _etag(client, "/coverage/")
        ReviewedGap.objects.create(mapping=two["mapping"], element=two["b2"], reason="On purpose.")
        assert _etag(client, "/coverage/") != before

    def test_loaddata_renews_the_registers_it_writes(self, two, client, tmp_path):
        before = _etag(client, "/m/theirs/")
        fixture = tmp_path / "element.json"
        fields = {"framework": two["v1"].framework_id, "code": "V2", "title": "Loaded",
                  "level_label": "Value", "position": 2, "created_at": "2026-01-01T00:00:00Z",
                  "updated_at": "2026-01-01T00:00:00Z"}  # fmt: skip
        fixture.write_text(json.dumps([{"model": "standards.element", "fields": fields}]))
        call_command("loaddata", str(fixture), stdout=io.StringIO())
        assert _etag(client, "/m/theirs/") != before

    def test_raw_sql_is_announced_by_hand(self, two, client):
        before = _etag(client, "/m/theirs/links/")
        with connection.cursor() as cursor:
            cursor.execute("UPDATE mapping_link SET rationale = %s WHERE id = %s",
                           ["Changed by SQL.", two["their_link"].pk])  # fmt: skip
        assert _etag(client, "/m/theirs/links/") == before  # nothing saw it
        out = io.StringIO()
        call_command("announce_changes", "--register", "theirs", stdout=out)
        assert "1 register" in out.getvalue()
        response = client.get("/m/theirs/links/")
        assert response["ETag"] != before and "Changed by SQL." in response.content.decode()

    def test_announcing_an_unknown_register_is_refused(self, two):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="no register nope"):
            call_command("announce_changes", "--register", "nope", stdout=io.StringIO())


def test_a_framework_change_names_every_register_that_maps_it(two):
    heard = []

    def listen(sender, committed, mapping_ids, **kwargs):
        heard.append((committed, set(mapping_ids)))

    registers_changed.connect(listen)
    try:
        announce(action="edited", subject_type="framework", framework_ids=[two["v1"].framework_id])
    finally:
        registers_changed.disconnect(listen)
    # inside the test's transaction: at once, naming the register that maps the framework
    assert heard == [(False, {two["theirs"].pk})]


def test_naming_the_registers_reads_them_once(two, django_assert_num_queries):
    """Which registers map the frameworks named and which infer links through those is
    one read of the registers' two ends; an event that names nothing reads nothing."""
    heard = []

    def listen(sender, mapping_ids, **kwargs):
        heard.append(set(mapping_ids))

    registers_changed.connect(listen)
    try:
        with django_assert_num_queries(2):  # the read, and the listener renewing versions
            announce(action="edited", subject_type="framework",
                     framework_ids=[two["v1"].framework_id])  # fmt: skip
        with django_assert_num_queries(0):
            announce(action="edited", subject_type="framework")
    finally:
        registers_changed.disconnect(listen)
    assert heard == [{two["theirs"].pk}, set()]
