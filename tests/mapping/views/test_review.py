"""The review queue: what waits on a publisher across their registers, approved or sent back
one at a time or many at once with one reason; editors read it; the header counts it."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mapping.models import Change, ImportBatch, Link, LinkStatus, Mapping, Membership


@pytest.fixture
def waiting(small, people):
    """Two proposed links in the default register (by the editor) and one in another."""
    other = Mapping.objects.create(name="Another view", slug="other", organisation="Org",
                                   source_framework=small["behaviours"],
                                   target_framework=small["standards"])  # fmt: skip
    made = {}
    ours = small["mapping"]
    for mapping, source, target in ((ours, "b12", "s11"), (ours, "b2", "s2"),
                                    (other, "b1", "s11")):  # fmt: skip
        made[f"{mapping.slug}:{source}"] = Link.objects.create(
            mapping=mapping, source=small[source], target=small[target], relation="supports",
            rationale="Worth a look.", status=LinkStatus.PROPOSED, updated_by=people["editor"],
        )  # fmt: skip
    return made


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response) -> str:
    return response.content.decode()


def test_a_publisher_sees_everything_waiting_and_the_header_counts_it(waiting, as_role):
    page = _text(as_role("publisher").get(reverse("review")))
    assert page.count('name="chosen"') == 3
    assert "Another view" in page
    assert 'To review <span class="count">(3' in page
    assert "To review" not in _text(as_role("editor").get("/"))
    # Each row says what it would approve: both ends by name, and the relation.
    for link in waiting.values():
        reads = f"{link.source.title} <em>supports</em> {link.target.title}"
        assert f'<span class="link-reads">{reads}</span>' in page


def _seen(waiting) -> list[str]:
    """What the queue's page carries for each link: its id and the revision it showed."""
    return [f"{link.pk}:{link.revision}" for link in waiting.values()]


def test_a_publisher_approves_several_at_once(waiting, as_role):
    chosen = [link.pk for link in waiting.values()][:2]
    publisher = as_role("publisher")
    # Without the versions the page showed, nothing is decided.
    response = publisher.post(reverse("review"), {"action": "approve", "chosen": chosen})
    assert response.status_code == 409
    assert "The page did not say which version of" in _text(response)
    assert not Link.objects.filter(pk__in=chosen, status=LinkStatus.APPROVED).exists()
    response = publisher.post(reverse("review"), {"action": "approve", "chosen": chosen,
                                                  "seen": _seen(waiting)})  # fmt: skip
    assert response.status_code == 302
    assert set(Link.objects.filter(pk__in=chosen).values_list("status", flat=True)) == {
        LinkStatus.APPROVED}  # fmt: skip
    assert Change.objects.filter(subject_type="link", subject_id__in=chosen).count() == 2
    # What was approved is named, not only counted.
    page = publisher.get(reverse("review")).content.decode()
    named = sorted(link.history_label for link in Link.objects.filter(pk__in=chosen))
    assert any(f"Approved 2 links: {', '.join(order)}." in page
               for order in (named, named[::-1]))  # fmt: skip


def test_sending_back_needs_one_reason_and_then_returns_drafts(waiting, as_role):
    chosen = [link.pk for link in waiting.values()]
    client = as_role("publisher")
    response = client.post(reverse("review"), {"action": "send_back", "chosen": chosen})
    assert response.status_code == 400
    assert "Say why they go back" in _text(response)
    assert 'aria-invalid="true" aria-describedby="review-reason-error"' in _text(response)
    assert Link.objects.filter(pk__in=chosen, status=LinkStatus.PROPOSED).count() == 3
    client.post(reverse("review"), {"action": "send_back", "chosen": chosen, "seen": _seen(waiting),
                                    "reason": "Cite the statement."})  # fmt: skip
    assert Link.objects.filter(pk__in=chosen, status=LinkStatus.DRAFT).count() == 3
    changes = Change.objects.filter(subject_type="link", subject_id__in=chosen)
    assert set(changes.values_list("reason", flat=True)) == {"Cite the statement."}
    # The history calls it what it was: a decision, not an edit.
    assert set(changes.values_list("action", flat=True)) == {Change.Action.SENT_BACK}
    assert "<strong>Sent back</strong>" in _text(client.get(reverse("changes")))


def test_a_choice_no_longer_waiting_changes_nothing(waiting, as_role, people):
    first, second = list(waiting.values())[:2]
    second.approve(by=people["publisher"])  # someone else, a moment ago
    response = as_role("publisher").post(reverse("review"), {
        "action": "approve", "chosen": [first.pk, second.pk]})  # fmt: skip
    assert response.status_code == 400
    assert "no longer waiting for you" in _text(response)
    first.refresh_from_db()
    assert first.status == LinkStatus.PROPOSED


def test_a_publisher_of_one_register_decides_there_only(waiting, small):
    ours = User.objects.create_user("ours-publisher")
    Membership.objects.create(user=ours, mapping=small["mapping"], role="publisher")
    client = _client(ours)
    page = _text(client.get(reverse("review")))
    assert page.count('name="chosen"') == 2
    assert "Another view" not in page
    theirs = waiting["other:b1"]
    # A link of a register they do not publish was never waiting for them: a 403 that
    # says so (not "no longer waiting"), and nothing changes.
    response = client.post(
        reverse("review"),
        {"action": "approve", "chosen": [theirs.pk], "seen": f"{theirs.pk}:{theirs.revision}"},
    )
    assert response.status_code == 403
    assert "Another view is not one of yours" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.status == LinkStatus.PROPOSED


def test_editors_read_the_queue_without_the_buttons(waiting, as_role):
    page = _text(as_role("editor").get(reverse("review")))
    assert "Worth a look." in page
    assert 'name="chosen"' not in page and "Approve the chosen" not in page


def test_the_filters_narrow_it_and_bad_ones_are_said(waiting, as_role, people):
    client = as_role("publisher")
    page = _text(client.get(reverse("review"), {"register": "other"}))
    assert page.count('name="chosen"') == 1
    assert _text(client.get(reverse("review"), {"proposer": "nobody"})).count(
        'name="chosen"') == 0  # fmt: skip
    response = client.get(reverse("review"), {"register": "not a slug!"})
    assert response.status_code == 400
    said = "register: not the address of a register (letters, digits and hyphens)."
    assert said in _text(response)
    response = client.get(reverse("review"), {"register": "nosuch"})
    assert response.status_code == 400
    assert "“nosuch” is not a register whose queue you can see here." in _text(response)


def test_imports_checked_but_not_applied_are_listed(small, people, as_role):
    """Those ready to apply: not one with problems, nor one that changes nothing, which no
    one can act on (the header's count agrees)."""
    for name, summary in [
        ("links.csv", [{"blocked": False, "has_work": True}]),
        ("with-problems.csv", [{"blocked": True, "has_work": True}]),
        ("unchanged.csv", [{"blocked": False, "has_work": False}]),
    ]:
        ImportBatch.objects.create(
            kind="links", file_format="csv", filename=name, content=b"", summary=summary,
            mapping=small["mapping"], state=ImportBatch.State.PLANNED, created_by=people["editor"],
        )  # fmt: skip
    page = _text(as_role("publisher").get(reverse("review")))
    assert "links.csv</a> into Our ways to the standards, by <bdi>editor</bdi>" in page
    assert "with-problems.csv" not in page and "unchanged.csv" not in page
    assert 'To review <span class="count">(1' in page


def test_the_queue_shows_what_an_edit_changed(waiting, as_role, people):
    edited = next(link for key, link in waiting.items() if key.endswith(":b12"))
    edited.edit(by=people["editor"], revision=edited.revision, relation="partly_covers",
                rationale="Looked at again.", example="")  # fmt: skip
    page = _text(as_role("publisher").get(reverse("review")))
    assert "<strong>Rationale:</strong> <del>Worth a look.</del> → <ins>Looked at again.</ins>" \
        in page  # fmt: skip
    assert "<strong>Relation:</strong> <del>Supports</del> → <ins>Partly covers</ins>" in page
    assert page.count("New link") == 2  # the two never edited since they were made


def test_the_queue_reads_in_as_many_queries_however_many_wait(waiting, as_role, small, people):
    publisher = as_role("publisher")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert publisher.get(reverse("review")).status_code == 200
        return len(captured)

    before = queries()
    for link in waiting.values():
        link.edit(by=people["editor"], revision=link.revision, relation="supports",
                  rationale="Edited once more.", example="")  # fmt: skip
    Link.objects.create(mapping=small["mapping"], source=small["b12"], target=small["s2"],
                        relation="supports", rationale="Another.", status=LinkStatus.PROPOSED,
                        updated_by=people["editor"])  # fmt: skip
    assert queries() == before
    # …and however many registers it spans.
    for slug in ("second", "third"):
        other = Mapping.objects.create(name=slug, slug=slug, source_framework=small["behaviours"],
                                       target_framework=small["standards"])  # fmt: skip
        Link.objects.create(mapping=other, source=small["b12"], target=small["s2"],
                            relation="supports", rationale="Elsewhere.",
                            status=LinkStatus.PROPOSED, updated_by=people["editor"])  # fmt: skip
    assert queries() == before


def test_nobody_approves_words_changed_since_the_queue_was_loaded(waiting, as_role, people):
    """The queue carries each link's revision as shown: a link an editor changed in between
    stops the decision (all of it), and the queue shows the link as it is now."""
    publisher = as_role("publisher")
    page = _text(publisher.get(reverse("review")))
    links = list(waiting.values())
    seen = [f"{link.pk}:{link.revision}" for link in links]
    assert all(f'name="seen" value="{value}"' in page for value in seen)
    changed = links[0]
    changed.edit(by=people["editor"], revision=changed.revision, rationale="New words.")
    chosen = [link.pk for link in links]
    response = publisher.post(
        reverse("review"), {"action": "approve", "seen": seen, "chosen": chosen}
    )
    assert response.status_code == 409
    assert f"{changed.history_label} was changed by editor since this page was loaded" in _text(
        response)  # fmt: skip
    assert "New words." in _text(response)
    assert not Link.objects.filter(status=LinkStatus.APPROVED).exists()
    # Sending back is judged alike; with the page as it is now, the decision goes through.
    again = {"action": "send_back", "reason": "Not yet.", "chosen": [changed.pk]}
    assert publisher.post(reverse("review"), again | {"seen": seen}).status_code == 409
    now_seen = f"{changed.pk}:{Link.objects.get(pk=changed.pk).revision}"
    assert publisher.post(reverse("review"), again | {"seen": now_seen}).status_code == 302
    assert Link.objects.get(pk=changed.pk).status == LinkStatus.DRAFT


def test_what_changed_shows_where_a_long_rationale_changed(small, as_role, people):
    """Words added at the end of a long approved rationale: both sides show its end, where
    the words differ, not its first words, which read the same."""
    link = small["b11_s11"]
    opening = " ".join(f"word{i}" for i in range(40))
    Change.objects.apply(link, {"rationale": opening, "status": "approved"}, by=None)
    link.refresh_from_db()
    link.edit(by=people["editor"], revision=link.revision, rationale=f"{opening} and one more.")
    page = _text(as_role("publisher").get(reverse("review")))
    assert "<del>… word34 word35 word36 word37 word38 word39</del>" in page
    assert "<ins>… word34 word35 word36 word37 word38 word39 and one more.</ins>" in page


def test_changed_part_keeps_short_texts_whole_and_cuts_long_ones_around_the_change():
    from mapping.templatetags.weave import changed_part

    assert changed_part("Short and sweet.", "Short.") == "Short and sweet."
    assert changed_part(None, "Anything") is None
    words = [f"w{i}" for i in range(60)]
    middle = " ".join([*words[:30], "NEW", *words[31:]])
    assert (
        changed_part(middle, " ".join(words))
        == "… " + " ".join([*words[24:30], "NEW", *words[31:37]]) + " …"
    )
    # Two changes far apart: each with its words around it, what lies between left out.
    both = " ".join(["NEW", *words[1:59], "END"])
    assert changed_part(both, " ".join(words)) == (
        " ".join(["NEW", *words[1:7]]) + " … " + " ".join([*words[53:59], "END"])
    )
    assert changed_part(" ".join(words), " ".join(words)) == " ".join(words[:24]) + " …"
