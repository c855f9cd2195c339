"""The change history: /changes/, per-object history, and reverting."""

import html
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mapping.models import Change, Link, LinkStatus, Mapping
from standards.models import Element

URL = reverse("changes")


@pytest.fixture
def edited(small, people):
    """B1.1 → S1.1's rationale edited once by the editor, B1's title once by the publisher."""
    link = small["b11_s11"]
    link.edit(by=people["editor"], revision=1, rationale="Edited once.")
    Change.objects.apply(small["b1"], {"title": "Be kinder"}, by=people["publisher"], revision=1)
    return small


def test_changes_lists_every_change_newest_first(edited, client):
    html = client.get(URL).content.decode()
    assert html.index("Be kinder") < html.index("Edited once.")
    assert "<del>Listening is hearing people out.</del>" in html
    assert "<ins>Edited once.</ins>" in html
    assert "by <bdi>editor</bdi>" in html and "by <bdi>publisher</bdi>" in html


def test_an_element_moved_says_from_which_parent_to_which(small, people, client, settings):
    """By code and title, as a manager knows them, not by the rows' ids."""
    settings.WEAVE_PAGE_CACHE = False  # each page made again, for its queries to be counted
    b11 = Element.objects.get(framework=small["b1"].framework, code="B1.1")
    Change.objects.apply(b11, {"parent_id": small["b2"].pk}, by=people["publisher"],
                         revision=b11.revision)  # fmt: skip
    page = client.get(URL, {"subject": "element"}).content.decode()
    assert f"<del>B1 {html.escape(small['b1'].title)}</del>" in page
    assert f"<ins>B2 {html.escape(small['b2'].title)}</ins>" in page
    # Every move on the page is named in one query, however many there are.
    with CaptureQueriesContext(connection) as one:
        client.get(URL, {"subject": "element"})
    for _ in range(5):
        b11.refresh_from_db()
        to = small["b1"] if b11.parent_id == small["b2"].pk else small["b2"]
        Change.objects.apply(b11, {"parent_id": to.pk}, by=people["publisher"],
                             revision=b11.revision)  # fmt: skip
    with CaptureQueriesContext(connection) as six:
        client.get(URL, {"subject": "element"})
    assert len(six) == len(one)


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("subject=link", "Edited once.", "Be kinder"),
        ("subject=element", "Be kinder", "Edited once."),
        ("who=editor", "Edited once.", "Be kinder"),
        ("action=edited&who=publisher", "Be kinder", "Edited once."),
    ],
)
def test_changes_can_be_filtered(edited, client, query, shown, hidden):
    html = client.get(f"{URL}?{query}").content.decode()
    assert shown in html and hidden not in html


@pytest.mark.parametrize(
    "query",
    [
        "subject=planet",
        "who=ghost",
        "since=yesterday",
        "page=9",
        "after=1",
        "register=ours&after=3",
        "after=nought",
    ],
)
def test_bad_filters_are_a_400_naming_the_problem(edited, client, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_the_htmx_request_gets_only_the_results(edited, client):
    html = client.get(f"{URL}?subject=link", headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html


def test_changes_cost_the_same_queries_however_many(
    small, people, client, django_assert_num_queries
):
    link = small["b11_s11"]
    for size in (5, 60):
        Change.objects.all().delete()
        Change.objects.bulk_create(
            Change(
                subject_type="link", subject_id=link.pk, subject_label="x", action="edited",
                before={"rationale": str(i)}, after={"rationale": str(i + 1)},
                user=people["editor"],
            )
            for i in range(size)
        )  # fmt: skip
        # rows written round the write path, as raw SQL would: say so, as after raw SQL
        call_command("announce_changes", stdout=io.StringIO())
        # the people and the registers to filter by, the count, the page of changes (and
        # what reverted any of them), and the default register's banner (its mapping and
        # latest edition)
        with django_assert_num_queries(7):
            assert client.get(URL).status_code == 200


def test_each_link_has_its_history(edited, client):
    link = edited["b11_s11"]
    html = client.get(link.get_absolute_url()).content.decode()
    assert "History" in html and "<ins>Edited once.</ins>" in html


def test_statuses_and_relations_read_in_words_in_the_history(small, client, people):
    link = small["b11_s11"]
    link.propose(by=people["editor"])
    link.refresh_from_db()
    link.edit(by=people["publisher"], revision=link.revision, relation="supports")
    html = client.get(URL).content.decode()
    assert "<del>Draft</del>" in html and "<ins>Proposed</ins>" in html
    assert "<ins>Supports</ins>" in html
    assert "<del>draft</del>" not in html and "<ins>supports</ins>" not in html


def test_a_publisher_reverts_an_edit(edited, as_role, people):
    link = edited["b11_s11"]
    change = Change.objects.for_object(link).get()
    response = as_role("publisher").post(reverse("change_revert", args=[change.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.rationale == "Listening is hearing people out."
    revert = Change.objects.for_object(link).first()
    assert revert.action == Change.Action.REVERTED
    assert revert.reverts == change and revert.user == people["publisher"]
    assert revert.before["rationale"] == "Edited once."
    assert revert.after["rationale"] == "Listening is hearing people out."
    # Once reverted, it cannot be reverted again; the revert itself can be.
    with pytest.raises(ValidationError):
        Change.objects.get(pk=change.pk).revert(by=people["publisher"])
    revert.revert(by=people["publisher"])
    link.refresh_from_db()
    assert link.rationale == "Edited once."


def test_a_revert_keeps_the_reason_given_and_says_what_it_did(small, as_role, people):
    link = Link.objects.create(
        mapping=small["mapping"], source=small["b12"], target=small["s1"],
        relation="supports", rationale="New.",
    )  # fmt: skip
    created = Change.objects.record(link, action=Change.Action.CREATED, before={}, by=None)
    publisher = as_role("publisher")
    page = publisher.get(URL).content.decode()
    assert "Reverting it retires the link: it leaves the live register" in page
    too_long = publisher.post(reverse("change_revert", args=[created.pk]),
                              {"reason": "x" * 501}, follow=True)  # fmt: skip
    assert "Could not revert: Keep the reason to 500 characters (it has 501)." in \
        too_long.content.decode()  # fmt: skip
    link.refresh_from_db()
    assert link.status != LinkStatus.RETIRED
    done = publisher.post(reverse("change_revert", args=[created.pk]),
                          {"reason": "Made by mistake."}, follow=True)  # fmt: skip
    assert f"Reverted: {created}. {link.history_label} is now retired." in \
        html.unescape(done.content.decode())  # fmt: skip
    revert = Change.objects.for_object(link).first()
    assert (
        revert.reverts == created
        and revert.reason == f"Reverts change {created.pk}: Made by mistake."
    )


def test_a_revert_is_refused_when_the_field_changed_again(edited, people):
    link = edited["b11_s11"]
    first = Change.objects.for_object(link).get()
    link.refresh_from_db()
    link.edit(by=people["editor"], revision=link.revision, rationale="Edited twice.")
    with pytest.raises(ValidationError, match="changed again since"):
        first.revert(by=people["publisher"])
    link.refresh_from_db()
    assert link.rationale == "Edited twice."


def test_a_refused_revert_says_why_on_the_page(edited, as_role, people):
    link = edited["b11_s11"]
    first = Change.objects.for_object(link).get()
    link.refresh_from_db()
    link.edit(by=people["editor"], revision=link.revision, rationale="Edited twice.")
    response = as_role("publisher").post(reverse("change_revert", args=[first.pk]), follow=True)
    assert "Could not revert" in response.content.decode()


def test_reverting_a_new_link_retires_it(small, people):
    link = Link.objects.create(
        mapping=small["mapping"], source=small["b12"], target=small["s1"],
        relation="supports", rationale="New.",
    )  # fmt: skip
    created = Change.objects.record(link, action=Change.Action.CREATED, before={}, by=None)
    created.revert(by=people["publisher"])
    link.refresh_from_db()
    assert link.status == LinkStatus.RETIRED


def test_reverting_a_new_element_removes_it_if_nothing_uses_it(small, people):
    element = Element.objects.create(
        framework=small["behaviours"], code="B9", title="Spare", level_label="Top"
    )
    created = Change.objects.record(element, action=Change.Action.CREATED, before={}, by=None)
    created.revert(by=people["publisher"])
    assert not Element.objects.filter(code="B9").exists()
    assert Change.objects.filter(action=Change.Action.DELETED, subject_label="B9 Spare").exists()


def test_reverting_a_new_element_in_use_is_refused(small, people):
    created = Change.objects.record(small["b1"], action=Change.Action.CREATED, before={}, by=None)
    with pytest.raises(ValidationError, match="cannot be removed"):
        created.revert(by=people["publisher"])


def test_retire_and_restore_are_recorded_and_revertible(small, people):
    link = small["b2_s12"]
    link.retire(by=people["editor"], reason="Gone.")
    retired = Change.objects.for_object(link).get()
    assert retired.reason == "Gone." and retired.action == Change.Action.RETIRED
    retired.revert(by=people["publisher"])
    link.refresh_from_db()
    assert link.status == LinkStatus.DRAFT and link.retired_reason == ""


def test_only_publishers_see_revert_buttons(edited, as_role):
    assert "Revert…<span" not in as_role("editor").get(URL).content.decode()
    assert "Revert…<span" in as_role("publisher").get(URL).content.decode()


def test_a_publisher_of_one_register_sees_revert_on_its_changes_alone(edited, as_role):
    """A reader with no role site-wide who publishes one register: the buttons are on its
    changes (its links, its frameworks' elements), where reverting works for them."""
    from django.contrib.auth.models import User

    from mapping.models import Mapping, Membership

    user = User.objects.create_user("ours-publisher")
    Membership.objects.create(user=user, mapping=Mapping.objects.get(), role="publisher")
    client = as_role("anonymous")
    client.force_login(user)
    page = client.get(URL).content.decode()
    link_change = Change.objects.get(subject_type="link")
    assert f'Revert…<span class="visually-hidden"> change {link_change.pk}:' in page
    assert page.count("Revert…<span") == 2
    assert client.post(reverse("change_revert", args=[link_change.pk])).status_code == 302
    assert Link.objects.get(pk=link_change.subject_id).rationale != "Edited once."


def test_admin_edits_are_recorded(edited, admin_client):
    element = edited["b2"]
    response = admin_client.post(
        f"/admin/standards/element/{element.pk}/change/",
        {"framework": element.framework_id, "code": "B2", "title": "Be bold",
         "description": "", "level_label": "Top", "position": 2, "source_check": "unchecked"},
    )  # fmt: skip
    assert response.status_code == 302
    change = Change.objects.for_object(element).get()
    assert (change.before["title"], change.after["title"]) == ("Be brave", "Be bold")


def test_an_empty_history_says_so_without_blaming_the_filters(small, client, people):
    html = client.get(URL).content.decode()
    assert "No changes have been recorded yet." in html
    assert "No changes match these filters." not in html
    Change.objects.apply(small["b1"], {"title": "Be kinder"}, by=people["editor"])
    html = client.get(URL, {"subject": "link"}).content.decode()
    assert "No changes match these filters." in html


def test_changes_can_be_narrowed_to_one_register(small, client, people):
    from mapping.models import Mapping
    from standards.models import Framework

    other_standards = Framework.objects.create(
        name="Elsewhere", slug="elsewhere", kind="standards", publisher="P"
    )
    Mapping.objects.create(
        name="Other", slug="other", organisation="O", source_framework=small["behaviours"],
        target_framework=other_standards,
    )  # fmt: skip
    Change.objects.apply(other_standards, {"name": "Elsewhere again"}, by=people["editor"])
    Change.objects.apply(small["s1"], {"title": "Respect all"}, by=people["editor"])
    ours = client.get(URL, {"register": "ours"}).content.decode()
    assert "Respect all" in ours and "Elsewhere again" not in ours
    theirs = client.get(URL, {"register": "other"}).content.decode()
    assert "Elsewhere again" in theirs and "Respect all" not in theirs
    assert client.get(URL, {"register": "nowhere"}).status_code == 400


def test_changes_across_registers_name_each_and_one_registers_keep_its_header(site, client):
    """Reached from a register's menu, the changes are that register's and the header
    stays that register's; across every register, each change says which it belongs to."""
    mapping = Mapping.objects.get(slug="other")
    link = mapping.links.get()
    other = Change.objects.create(subject_type="link", subject_id=link.pk,
                                  subject_label="B1 → S1.1", action="edited",
                                  mapping=mapping)  # fmt: skip
    page = client.get("/m/other/").content.decode()
    assert 'href="/changes/?register=other"' in page
    narrowed = client.get("/changes/", {"register": "other"}).content.decode()
    assert '<span class="brand-register">Another view</span>' in narrowed
    assert f'id="change-{other.pk}"' in narrowed and " in Another view" not in narrowed
    everything = client.get("/changes/").content.decode()
    assert "B1 → S1.1</bdi></a> in Another view" in everything
    assert "Another view</span>" not in everything  # the default register's header


def _entry(page: str, change: Change) -> str:
    """One change's item in a history list."""
    start = page.index(f'<li id="change-{change.pk}">')
    return page[start : page.index("</li>", start)]


def test_the_history_says_why_instead_of_offering_a_revert_that_would_be_refused(
    edited, as_role, people
):
    """A change whose fields were changed again since, and a new link retired since: the
    history says why each cannot be reverted now, on /changes/ and on the link's page,
    and offers Revert only where it would work."""
    link = edited["b11_s11"]
    first = Change.objects.for_object(link).get()
    link.refresh_from_db()
    link.edit(by=people["editor"], revision=link.revision, rationale="Edited twice.")
    second = Change.objects.for_object(link).first()
    new = Link.objects.create(
        mapping=edited["mapping"], source=edited["b12"], target=edited["s1"],
        relation="supports", rationale="New.",
    )  # fmt: skip
    created = Change.objects.record(new, action=Change.Action.CREATED, before={}, by=None)
    new.retire(by=people["editor"], reason="Not needed.")
    publisher = as_role("publisher")
    for page in (publisher.get(URL).content.decode(),
                 publisher.get(link.get_absolute_url()).content.decode()):  # fmt: skip
        refused = html.unescape(_entry(page, first))
        assert "Cannot be reverted now:" in refused and "changed again since" in refused
        assert "Revert…" not in refused
        assert "Revert…" in _entry(page, second)
    page = html.unescape(publisher.get(URL).content.decode())
    assert "Cannot be reverted now: This link has already been retired." in _entry(page, created)
    # Anyone who may not revert is told nothing about reverting.
    assert "Cannot be reverted" not in as_role("editor").get(URL).content.decode()
    assert (
        "Cannot be reverted"
        not in as_role("anonymous").get(link.get_absolute_url()).content.decode()
    )


def test_a_change_that_changed_nothing_is_not_offered_for_revert(small, as_role, people):
    link = small["b11_s11"]
    empty = Change.objects.record(link, action=Change.Action.EDITED, before={}, by=None)
    entry = _entry(as_role("publisher").get(URL).content.decode(), empty)
    assert "Reverting this change would change nothing." in entry and "Revert…" not in entry


def test_revert_is_offered_on_an_element_page_only_to_those_who_may_revert_it(
    edited, as_role, people
):
    """A publisher of one register, whose frameworks another register shares, may not
    revert a change to an element: its page does not offer it (the site's publisher is)."""
    from django.contrib.auth.models import User

    from mapping.models import Membership

    Mapping.objects.create(name="Other", slug="other", organisation="Org",
                           source_framework=edited["behaviours"],
                           target_framework=edited["standards"])  # fmt: skip
    element_change = Change.objects.for_object(edited["b1"]).get()
    user = User.objects.create_user("ours-publisher")
    Membership.objects.create(user=user, mapping=edited["mapping"], role="publisher")
    ours = as_role("anonymous")
    ours.force_login(user)
    url = "/elements/our-ways/B1/"
    page = ours.get(url).content.decode()
    assert f'id="change-{element_change.pk}"' in page
    assert "Revert…" not in _entry(page, element_change)
    assert "Cannot be reverted" not in _entry(page, element_change)
    site = as_role("publisher").get(url).content.decode()
    assert "Revert…" in _entry(site, element_change)


def test_a_right_to_left_name_cannot_turn_by_whom_and_when_around(small, people, client):
    """A name in Hebrew or Arabic is isolated (<bdi>): the day that follows it stays after
    it, as "by מרים כהן, 7 December 2026", in the history and on the link's page."""
    editor = people["editor"]
    editor.first_name, editor.last_name = "מרים", "כהן"
    editor.save()
    link = small["b11_s11"]
    link.edit(by=editor, revision=1, rationale="Edited by Miriam.")
    assert "by <bdi>מרים כהן</bdi>, <time" in client.get(URL).content.decode()
    page = client.get(f"/links/{link.pk}/").content.decode()
    assert "by <bdi>מרים כהן</bdi>, <time" in page
    # And wherever else a page names who did something: a gap's decision, an edition.
    small["mapping"].leave_unlinked(small["b12"], reason="On purpose.", by=editor)
    assert ", <bdi>מרים כהן</bdi>): On purpose." in client.get("/coverage/").content.decode()
    from mapping.models import Edition

    Edition.objects.publish(small["mapping"], by=editor, title="One")
    editions = client.get("/editions/").content.decode()
    assert re.search(r" by <bdi>[^<]+</bdi></td>", editions)
