import csv
import io
import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from mapping.models import Link, ReviewedGap
from standards.models import Element

URL = reverse("coverage")
CSV_URL = reverse("coverage_csv")


@pytest.fixture
def reviewed(small):
    """B1.2 reviewed and left unlinked; S2's only link removed, so S2 is an unreviewed gap."""
    decider = get_user_model().objects.create_user("lead", first_name="Lee", last_name="Ader")
    ReviewedGap.objects.create(
        mapping=small["mapping"],
        element=small["b12"],
        reason="Thanking people is covered by our recognition scheme instead.",
        decided_by=decider,
    )
    small["b1_s2"].delete()
    return small


def test_it_lists_gaps_with_their_review_status(client, reviewed):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    standards = html.split('id="target-gaps-heading"')[1].split('id="source-gaps-heading"')[0]
    behaviours = html.split('id="source-gaps-heading"')[1].split('id="through-heading"')[0]
    assert "S2</span> Service" in standards and "Not yet reviewed." in standards
    assert "B1.2</span> Say thank you" in behaviours
    assert "Reviewed and left unlinked" in behaviours
    assert "covered by our recognition scheme instead" in behaviours and "Lee Ader" in behaviours
    assert "S1</span> Respect" in html.split('id="through-heading"')[1]


def test_the_numbers_separate_reviewed_from_unreviewed(client, reviewed):
    html = client.get(URL).content.decode()
    table = html.split("<caption>Coverage by level</caption>")[1].split("</table>")[0]
    rows = [" ".join(row.split("</tr>")[0].split()) for row in table.split('<th scope="row">')[1:]]
    cells = [[cell.split("</td>")[0] for cell in row.split("<td>")[1:]] for row in rows]
    # columns: in all, covered, directly, through, reviewed and left unlinked, not yet reviewed
    behaviour_tops, behaviour_children, standard_tops, standard_children = cells
    # B1 keeps only its link through B1.1 once B1→S2 is deleted
    assert behaviour_tops == ["2", "<strong>100%</strong> (2)", "1", "1", "0", "0"]
    assert behaviour_children == ["2", "<strong>50%</strong> (1)", "1", "0", "1", "0"]
    assert standard_tops == ["2", "<strong>50%</strong> (1)", "0", "1", "0", "<strong>1</strong>"]
    assert standard_children == ["2", "<strong>100%</strong> (2)", "2", "0", "0", "0"]


def test_editors_get_a_link_to_add_the_missing_link(admin_client, reviewed):
    html = admin_client.get(URL).content.decode()
    assert f"{reverse('link_create')}?target=S2&amp;next=/coverage/" in html


def test_visitors_do_not_see_add_links(client, reviewed):
    assert reverse("link_create") not in client.get(URL).content.decode()


def test_the_csv_has_every_element_with_its_status(client, reviewed):
    response = client.get(CSV_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="ours-coverage-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 8
    by_code = {row["code"]: row for row in rows}
    assert by_code["S2"]["status"] == "not yet reviewed"
    assert by_code["B1.2"]["status"] == "reviewed and left unlinked"
    assert by_code["B1.2"]["decided by"] == "Lee Ader"
    assert by_code["S1"]["status"] == "covered through what sits under it"
    assert by_code["S1"]["links through what sits under it"] == "2"
    assert by_code["S1.1"]["part of"] == "S1"


def test_a_covered_element_is_covered_whatever_an_old_review_says(client, small):
    ReviewedGap.objects.create(mapping=small["mapping"], element=small["s2"], reason="Old.")
    rows = list(csv.DictReader(io.StringIO(client.get(CSV_URL).content.decode("utf-8-sig"))))
    s2 = next(row for row in rows if row["code"] == "S2")
    assert s2["status"] == "covered directly" and s2["reason left unlinked"] == ""


def test_a_review_must_give_a_reason_and_name_an_element_of_the_mapping(small):
    from standards.models import Element, Framework

    gap = ReviewedGap(mapping=small["mapping"], element=small["b12"], reason="  ")
    with pytest.raises(ValidationError):
        gap.full_clean()
    other = Framework.objects.create(name="O", slug="o", kind="standards", publisher="X")
    stranger = Element.objects.create(framework=other, code="X", title="X", level_label="T")
    gap = ReviewedGap(mapping=small["mapping"], element=stranger, reason="Because.")
    with pytest.raises(ValidationError):
        gap.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        gap.save()


@pytest.mark.parametrize("url", [URL, CSV_URL])
def test_it_allows_only_get(client, small, url):
    assert client.post(url).status_code == 405


def test_without_a_mapping_it_is_not_found(client, db):
    assert client.get(URL).status_code == 404


def test_its_editors_review_a_gap_on_the_page_and_may_open_it_again(small, as_role):
    """An element with no link is left unlinked on purpose, with the reason, from the
    coverage page; its figures count it as reviewed; "Review again" undoes it. A reason is
    needed, an element with links cannot be left unlinked, and readers see no form."""
    Element.objects.create(framework=small["standards"], code="S9", title="Nobody's yet",
                           level_label="Top", position=9)  # fmt: skip
    url, editor = reverse("coverage"), as_role("editor")
    page = editor.get(url).content.decode()
    assert "Why is S9 left without a link?" in page
    assert "Why is S9 left without a link?" not in as_role("viewer").get(url).content.decode()
    review = reverse("gap_review")
    refused = editor.post(review, {"side": "target", "code": "S9", "reason": "  ", "next": url},
                          follow=True)  # fmt: skip
    assert "Say why S9 is left unlinked" in refused.content.decode()
    assert not ReviewedGap.objects.exists()
    covered = editor.post(review, {"side": "target", "code": "S2", "reason": "Why not."},
                          follow=True)  # fmt: skip
    assert "S2 has links now: nothing was changed." in covered.content.decode()
    assert editor.post(review, {"side": "target", "code": "ZZ", "reason": "x"}).status_code == 400
    row = f"gap-target-{Element.objects.get(code='S9').pk}"
    assert f'<tr id="{row}">' in page and f'value="{url}#{row}"' in page  # back to the row
    saved = editor.post(review, {"side": "target", "code": "S9", "reason": "Not ours to meet.",
                                 "next": url}, follow=True)  # fmt: skip
    assert "Left S9 unlinked on purpose: Not ours to meet." in saved.content.decode()
    gap = ReviewedGap.objects.get()
    assert (gap.element.code, gap.reason, gap.decided_by.username) == ("S9", "Not ours to meet.",
                                                                       "editor")  # fmt: skip
    page = as_role("viewer").get(url).content.decode()
    assert "Reviewed and left unlinked" in page and "Not ours to meet." in page
    # A control character pasted into the reason is refused, as on every form; a second
    # decision replaces the first, with its own who and when.
    odd = editor.post(review, {"side": "target", "code": "S9", "reason": "ok\x01"}, follow=True)
    assert "The reason for S9: " in odd.content.decode()
    long = editor.post(review, {"side": "target", "code": "S9", "reason": "x" * 2001},
                       follow=True)  # fmt: skip
    assert "The reason for S9 is 2,001 characters long: say it in at most 2,000. Nothing " \
        "was changed." in long.content.decode()  # fmt: skip
    assert ReviewedGap.objects.get().reason == "Not ours to meet."
    first = gap.decided_at
    as_role("publisher").post(review, {"side": "target", "code": "S9", "reason": "Agreed."})
    gap.refresh_from_db()
    assert (gap.reason, gap.decided_by.username) == ("Agreed.", "publisher")
    assert gap.decided_at > first
    assert editor.post(review, {"side": "target", "code": "S9", "action": "x"}).status_code == 400
    again = editor.post(review, {"side": "target", "code": "S9", "action": "reopen"}, follow=True)
    assert "S9 is open for review again." in again.content.decode()
    assert not ReviewedGap.objects.exists()


def test_dates_in_the_exports_are_the_sites_days_not_utcs(client, reviewed, settings):
    """A decision at 00:30 in London on 1 July (23:30 UTC the day before) is dated 1 July in
    coverage.csv, the API and SSSOM, as on every page."""
    settings.TIME_ZONE = "Europe/London"
    late = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    ReviewedGap.objects.update(decided_at=late)
    Link.objects.filter(pk=reviewed["b11_s11"].pk).update(updated_at=late)
    rows = list(csv.reader(io.StringIO(client.get(CSV_URL).content.decode())))
    [gap] = [row for row in rows if "B1.2" in row[:3]]
    assert gap[-1] == "2026-07-01"
    api = client.get("/api/mappings/ours/coverage").json()
    [found] = [entry for entry in api["unlinked_sources"] if entry["code"] == "B1.2"]
    assert found["decided_on"] == "2026-07-01"
    sssom = client.get("/sssom.tsv").content.decode()
    [row] = [line for line in sssom.splitlines() if line.startswith("source:B1.1\t")
             and "\ttarget:S1.1\t" in line]  # fmt: skip
    assert "\t2026-07-01\t" in row


def test_an_element_with_links_of_its_own_is_never_left_unlinked(small, people):
    """The register refuses it, whatever asks (the page checks first, and says so)."""
    linked = small["mapping"].links.current().first().target
    with pytest.raises(ValidationError, match=f"{re.escape(linked.code)} has links now"):
        small["mapping"].leave_unlinked(linked, reason="Not ours.", by=people["editor"])
    # Nor one covered through what sits under it (S1: S1.1 and S1.2 are linked).
    parent = Element.objects.get(framework=small["standards"], code="S1")
    assert not small["mapping"].links.filter(target=parent).exists()
    with pytest.raises(ValidationError, match="S1 has links now"):
        small["mapping"].leave_unlinked(parent, reason="Not ours.", by=people["editor"])
    assert not ReviewedGap.objects.filter(element__in=[linked, parent]).exists()
    # The admin reads decisions; they are made on the coverage page alone.
    admin = Client()
    admin.force_login(people["admin"])
    assert admin.get("/admin/mapping/reviewedgap/add/").status_code == 403


def test_a_gaps_decisions_are_in_the_registers_history_and_not_anothers(small, as_role):
    """Leaving an element unlinked, deciding it again and opening it for review again are
    each a line of the register's history (who, when, why), on the changes page and the
    element's page in this register; a register sharing the framework shows none of them.
    They count as changes since an edition, and none offers Revert: the coverage page makes
    the opposite decision. A refused decision records nothing."""
    from mapping.models import Change, Edition, Mapping
    from mapping.register import LiveRegister

    s9 = Element.objects.create(framework=small["standards"], code="S9", title="Nobody's yet",
                                level_label="Top", position=9)  # fmt: skip
    other = Mapping.objects.create(name="Another register", slug="another", organisation="Org",
                                   source_framework=Element.objects.get(code="B1").framework,
                                   target_framework=small["standards"])  # fmt: skip
    Link.objects.filter(status="proposed").update(status="approved")
    edition = Edition.objects.publish(small["mapping"], by=None, title="First")
    review, editor = reverse("gap_review"), as_role("editor")
    editor.post(review, {"side": "target", "code": "S9", "reason": ""})
    editor.post(review, {"side": "target", "code": "S9", "action": "reopen"})  # nothing to open
    assert not Change.objects.filter(subject_type="element").exists()

    editor.post(review, {"side": "target", "code": "S9", "reason": "Not ours to meet."})
    as_role("publisher").post(review, {"side": "target", "code": "S9", "reason": "Agreed."})
    editor.post(review, {"side": "target", "code": "S9", "action": "reopen"})
    rows = Change.objects.filter(subject_type="element", subject_id=s9.pk).order_by("pk")
    assert [(c.action, c.reason, c.user.username, c.mapping_id, c.framework_id) for c in rows] == [
        ("unlinked", "Not ours to meet.", "editor", small["mapping"].pk, None),
        ("unlinked", "Agreed.", "publisher", small["mapping"].pk, None),
        ("reopened", "", "editor", small["mapping"].pk, None),
    ]

    history = as_role("publisher").get(reverse("changes"), {"register": "ours"})
    html = " ".join(history.content.decode().split())
    assert "<strong>Left unlinked</strong> element <bdi>S9 Nobody&#x27;s yet</bdi>" in html
    assert "Reason: Not ours to meet." in html and "Reason: Agreed." in html
    assert "<strong>Reopened for review</strong>" in html
    assert "Revert change" not in html  # the publisher may revert other changes, not these
    page = as_role("viewer").get(LiveRegister(small["mapping"]).urls.element("target", "S9"))
    assert page.content.decode().count("Left unlinked</strong>") == 2
    elsewhere = as_role("viewer").get(LiveRegister(other).urls.element("target", "S9"))
    assert elsewhere.status_code == 200 and "Left unlinked" not in elsewhere.content.decode()
    assert Edition.objects.with_changes_since().get(pk=edition.pk).changes_since == 3


def test_coverage_can_count_approved_links_alone(small, as_role):
    """Drafts and proposals count in the live figures; ?count=approved leaves them out, as
    an edition does, on the page and in its CSV, and offers no gap decision meanwhile."""
    from mapping.models import LinkStatus

    Link.objects.filter(mapping=small["mapping"]).update(status=LinkStatus.APPROVED)
    Link.objects.filter(pk=small["b1_s2"].pk).update(status=LinkStatus.DRAFT)  # S2's only link
    editor = as_role("editor")
    every = editor.get(URL).content.decode()
    assert 'id="unapproved-counted"' in every and "Not yet reviewed." not in every.split(
        'id="target-gaps-heading"')[1].split('id="source-gaps-heading"')[0]  # fmt: skip
    approved = editor.get(URL, {"count": "approved"})
    html = approved.content.decode()
    assert approved.status_code == 200
    assert (
        "These figures count approved links alone, as an edition does: the live "
        "register's 1 link not yet approved (drafts and proposals) is left out."
    ) in html
    assert '<a href="/coverage/">Count every link</a>' in html
    standards = html.split('id="target-gaps-heading"')[1].split('id="source-gaps-heading"')[0]
    assert "S2</span> Service" in standards and "Not yet reviewed." in standards
    assert "Leave S2 unlinked" not in html  # it has a link: a draft
    assert f'href="{CSV_URL}?count=approved" download' in html
    rows = list(csv.reader(io.StringIO(editor.get(CSV_URL, {"count": "approved"})
                                       .content.decode("utf-8-sig"))))  # fmt: skip
    every_rows = list(csv.reader(io.StringIO(editor.get(CSV_URL).content.decode("utf-8-sig"))))
    s2, s2_every = (next(row for row in found if "S2" in row) for found in (rows, every_rows))
    assert s2 != s2_every
    wrong = editor.get(URL, {"count": "drafts"})
    assert wrong.status_code == 400
    assert "“drafts” is not something to count" in wrong.content.decode()
    assert editor.get(CSV_URL, {"count": "drafts"}).status_code == 400


def test_what_is_covered_only_through_what_sits_under_it_is_listed_on_both_sides(small, client):
    """The figures count behaviours covered only through their descriptors: the list says
    which, as it does for standards."""
    small["b1_s2"].delete()  # B1 keeps only B1.1's link; S1 has only its statements'
    html = client.get(URL).content.decode()
    section = html.split('id="through-heading"')[1].split("</section>")[0]
    assert "B1</span> Be kind" in section and "S1</span> Respect" in section
