"""The suggestions page of a register, for its editors: links inferred through a crosswalk
(with their paths) and lexical ones (with the words they share), each accepted as a link or
dismissed with the reason, one at a time or many at once; and every way that can go wrong
says so and writes nothing."""

import re
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone

from mapping.models import Change, Edition, Link, LinkStatus, Mapping, Side
from mapping.models.inference import ReviewedPair
from mapping.models.tracked import tracked_values
from mapping.register import LiveRegister
from mapping.suggesting.listing import lexical
from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()

BASE = "/m/example-homes-cc/suggestions/"


@pytest.fixture
def cc(demo):
    """The demo's behaviours → Competence and Conduct register, started from the CIH one."""
    return Mapping.objects.with_frameworks().get(slug="example-homes-cc")


def _text(response) -> str:
    html = response.content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.find("<main") :]))
    return text.replace(" ,", ",")


def _state(mapping):
    return (
        list(mapping.links.order_by("pk").values()),
        list(ReviewedPair.objects.order_by("pk").values()),
        Change.objects.count(),
    )


def test_the_page_lists_inferred_suggestions_with_their_paths_then_lexical_ones(cc, as_role):
    response = as_role("editor").get(BASE)
    assert response.status_code == 200
    text = _text(response)
    assert text.index("Inferred through crosswalks") < text.index("Sharing words")
    # B2 → CC4 is reached two ways, both "partly covers"; the strongest path is named.
    assert "B2 Do the right thing partly covers CC4" in text
    assert "Inferred through INT (and 1 other path), not reviewed." in text
    assert "B2 fully covers INT (Our Behaviours and the CIH Professional Standards)" in text
    assert "which partly covers CC4 (CIH Professional Standards onto the Competence" in text
    # Both steps' reasons, to decide from the list (as the README says), behind "Why each step".
    b2_int = Link.objects.get(mapping__slug="example-homes-cih", source__code="B2",
                              target__code="INT")  # fmt: skip
    assert f"Why each step, B2 through INT to CC4 B2 → INT: {escape(b2_int.rationale)}" in text
    first_words = lexical(LiveRegister(cc))[0]
    assert f"Choose {first_words.reference}" in text
    assert "They share the words " + ", ".join(first_words.shared) in text
    # What was accepted or dismissed is not offered again.
    assert "Choose B2.1 → CC4" not in text and "Choose B6 → CC1" not in text


def test_accepting_an_inferred_suggestion_prefills_its_relation_and_both_reasons(cc, as_role):
    client = as_role("editor")
    page = client.get(f"{BASE}accept/?kind=inferred&pair=B1.1:CC5")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<option value="partly_covers" selected>' in html
    assert "Accepted from the path through INC.3 Involve customers and communities" in html
    assert "Involving customers and communities in shaping services" in html  # step two
    response = client.post(f"{BASE}accept/", {
        "kind": "inferred", "pair": "B1.1:CC5", "relation": "partly_covers",
        "rationale": "Listening to residents is how they come to influence our code.",
    })  # fmt: skip
    assert response.status_code == 302 and response["Location"] == BASE
    link = cc.links.get(source__code="B1.1", target__code="CC5")
    assert link.status == LinkStatus.DRAFT  # an editor's is a draft
    assert link.accepted_from["kind"] == "inferred" and link.accepted_from["via"] == "INC.3"
    change = Change.objects.for_object(link).get()
    assert change.reason == "Accepted from a suggestion inferred through INC.3."
    assert "Choose B1.1 → CC5" not in _text(client.get(BASE))


def test_a_publisher_accepts_as_approved_and_a_lexical_one_says_so(cc, as_role):
    suggestion = lexical(LiveRegister(cc))[0]
    pair = f"{suggestion.source.code}:{suggestion.target.code}"
    response = as_role("publisher").post(f"{BASE}accept/", {
        "kind": "lexical", "pair": pair, "relation": "supports", "rationale": "It does.",
    })  # fmt: skip
    assert response.status_code == 302
    link = cc.links.get(source=suggestion.source, target=suggestion.target)
    assert link.status == LinkStatus.APPROVED
    assert link.accepted_from == {"kind": "lexical", "words": suggestion.shared}
    assert Change.objects.for_object(link).get().reason == "Accepted from a lexical suggestion."
    assert (
        "Accepted from a lexical suggestion"
        in as_role("viewer").get(f"/m/example-homes-cc/links/{link.pk}/").content.decode()
    )


@pytest.mark.parametrize(("data", "status", "said"), [
    ({"kind": "inferred", "pair": "B1.1:CC5", "relation": "supports", "rationale": "  "}, 400,
     "Say why the one relates to the other."),
    ({"kind": "inferred", "pair": "B1.1:CC5", "relation": "best", "rationale": "Why."}, 400,
     "Select a valid choice."),
    ({"kind": "guessed", "pair": "B1.1:CC5", "relation": "supports", "rationale": "Why."}, 400,
     "That is not a kind of suggestion."),
    ({"kind": "inferred", "pair": "B1.1", "relation": "supports", "rationale": "Why."}, 400,
     "Name a suggestion by its two codes"),
    ({"kind": "inferred", "pair": "B2.1:CC4", "relation": "supports", "rationale": "Why."}, 409,
     "This is no longer suggested"),  # accepted when the demo was made
    ({"kind": "inferred", "pair": "B6:CC1", "relation": "supports", "rationale": "Why."}, 409,
     "This is no longer suggested"),  # dismissed when the demo was made
    ({"kind": "inferred", "pair": "ZZ9:CC1", "relation": "supports", "rationale": "Why."}, 409,
     "This is no longer suggested"),
])  # fmt: skip
def test_a_bad_or_stale_acceptance_says_why_and_writes_nothing(cc, as_role, data, status, said):
    before = _state(cc)
    response = as_role("editor").post(f"{BASE}accept/", data)
    assert response.status_code == status
    assert said in response.content.decode()
    assert _state(cc) == before


def test_a_pair_linked_by_someone_else_meanwhile_is_refused(cc, as_role, people):
    client = as_role("editor")
    assert client.get(f"{BASE}accept/?kind=inferred&pair=B1.1:CC5").status_code == 200
    source = cc.source_framework.elements.get(code="B1.1")
    target = cc.target_framework.elements.get(code="CC5")
    Link.objects.create(mapping=cc, source=source, target=target, relation="supports",
                        rationale="Someone else's.", created_by=people["publisher"])  # fmt: skip
    before = _state(cc)
    mine = {"kind": "inferred", "pair": "B1.1:CC5", "relation": "supports", "rationale": "Mine."}
    response = client.post(f"{BASE}accept/", mine)
    assert response.status_code == 409
    assert "no longer suggested" in response.content.decode()
    assert _state(cc) == before


def test_dismissing_records_the_reason_and_it_is_not_suggested_again(cc, as_role, people):
    client = as_role("editor")
    response = client.post(f"{BASE}dismiss/", {"kind": "inferred", "pair": "B1.2:CC4",
                                               "reason": "Promises are not conduct."},
                           headers={"HX-Request": "true"})  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<tr id="suggestion-inferred-')
    assert "Dismissed B1.2 → CC4: it will not be suggested again." in html
    pair = ReviewedPair.objects.get(mapping=cc, source__code="B1.2", target__code="CC4")
    assert pair.reason == "Promises are not conduct." and pair.decided_by == people["editor"]
    assert "Choose B1.2 → CC4" not in _text(client.get(BASE))
    # Dismissed again, by someone who had the page open: it is gone.
    me_too = {"kind": "inferred", "pair": "B1.2:CC4", "reason": "Me too."}
    again = client.post(f"{BASE}dismiss/", me_too, headers={"HX-Request": "true"})
    assert again.status_code == 409
    assert "no longer suggested" in again.content.decode()
    assert ReviewedPair.objects.filter(mapping=cc).count() == 2  # the demo's and this one


def test_what_was_dismissed_is_listed_and_can_be_offered_again(cc, as_role, people):
    client = as_role("editor")
    client.post(f"{BASE}dismiss/", {"kind": "inferred", "pair": "B1.2:CC4",
                                    "reason": "Promises are not conduct."})  # fmt: skip
    text = _text(client.get(BASE))
    assert "Dismissed (2)" in text
    assert "B1.2 → CC4, dismissed by editor on " in text and "Promises are not conduct." in text
    pair = ReviewedPair.objects.get(mapping=cc, source__code="B1.2", target__code="CC4")
    # Odd input, or a dismissal of another register's: refused, nothing changed.
    cih = Mapping.objects.get(slug="example-homes-cih")
    other = ReviewedPair.objects.create(mapping=cih, source=pair.source, target=pair.target,
                                        reason="There.")  # fmt: skip
    for data, status in (({"dismissed": "x"}, 400), ({}, 400), ({"dismissed": other.pk}, 409)):
        refused = client.post(f"{BASE}offer-again/", data)
        assert refused.status_code == status, data
    assert ReviewedPair.objects.filter(pk__in=[pair.pk, other.pk]).count() == 2
    assert as_role("viewer").post(f"{BASE}offer-again/", {"dismissed": pair.pk}).status_code == 403
    done = client.post(f"{BASE}offer-again/", {"dismissed": pair.pk}, follow=True)
    assert "B1.2 → CC4 will be suggested again" in _text(done)
    assert not ReviewedPair.objects.filter(pk=pair.pk).exists()
    assert "Choose B1.2 → CC4" in _text(client.get(BASE))


def test_dismissing_without_a_reason_keeps_the_row_and_asks_for_one(cc, as_role):
    before = _state(cc)
    response = as_role("editor").post(f"{BASE}dismiss/", {"kind": "inferred",
                                                          "pair": "B1.2:CC4", "reason": " "},
                                      headers={"HX-Request": "true"})  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say why it is dismissed." in html and 'aria-invalid="true"' in html
    assert "Choose B1.2 → CC4" in html  # the row, to try again
    assert _state(cc) == before


def test_bulk_accept_and_dismiss_with_one_reason(cc, as_role):
    client = as_role("publisher")
    chosen = ["inferred:B1.1:CC5", "inferred:B8.1:CC5"]
    response = client.post(f"{BASE}bulk/", {"chosen": chosen, "action": "accept",
                                            "reason": "Tenants' voice."})  # fmt: skip
    assert response.status_code == 302
    made = cc.links.filter(target__code="CC5").order_by("source__code")
    assert [link.source.code for link in made] == ["B1.1", "B8.1"]
    assert all(link.status == LinkStatus.APPROVED for link in made)
    assert made[0].rationale.startswith("Tenants' voice. Accepted from the path through INC.3")
    assert made[0].relation == "partly_covers"
    # A reason without its full stop is given one before the path's words follow it.
    client.post(f"{BASE}bulk/", {"chosen": ["inferred:B5:CC3"], "action": "accept",
                                 "reason": "Batch accepted in review"})  # fmt: skip
    rationale = cc.links.get(source__code="B5", target__code="CC3").rationale
    assert rationale.startswith("Batch accepted in review. Accepted from the path through")
    words = lexical(LiveRegister(cc))[:2]
    chance = {"chosen": [w.choice for w in words], "action": "dismiss", "reason": "Chance words."}
    response = client.post(f"{BASE}bulk/", chance)
    assert response.status_code == 302
    assert ReviewedPair.objects.filter(mapping=cc, reason="Chance words.").count() == 2


@pytest.mark.parametrize(("data", "said"), [
    ({"action": "accept", "reason": "Why."}, "Choose the suggestions to act on."),
    ({"chosen": ["inferred:B1.1:CC5"], "action": "accept"}, "Say why, once for all of them."),
    ({"chosen": ["inferred:B1.1:CC5"], "action": "burn", "reason": "Why."},
     "Select a valid choice."),
    # One that was accepted (or dismissed) since the page was loaded: nothing is done.
    ({"chosen": ["inferred:B1.1:CC5", "inferred:B2.1:CC4"], "action": "accept",
      "reason": "Why."}, "“inferred:B2.1:CC4” is not among the suggestions: reload"),
])  # fmt: skip
def test_a_bad_or_stale_bulk_action_writes_nothing(cc, as_role, data, said):
    before = _state(cc)
    response = as_role("editor").post(f"{BASE}bulk/", data)
    assert response.status_code == 400
    assert said in response.content.decode()
    assert _state(cc) == before


@pytest.mark.parametrize("query", ["?page=abc", "?page=0", "?page=99"])
def test_a_bad_page_is_a_400_that_says_so(cc, as_role, query):
    response = as_role("editor").get(BASE + query)
    assert response.status_code == 400
    assert "page" in _text(response).lower()


def test_readers_see_inferred_links_only_where_the_pages_show_them(cc, as_role, client):
    assert as_role("viewer").get(BASE).status_code == 403
    assert client.get(BASE).status_code == 302
    guide = _text(as_role("viewer").get("/m/example-homes-cc/"))
    assert "inferred through INC.3, not reviewed" in guide
    assert "review the suggestions" not in guide.lower()
    editor = _text(as_role("editor").get("/m/example-homes-cc/coverage/"))
    assert "Review the suggestions" in editor


def test_a_link_whose_path_changed_is_flagged_with_what_changed(cc, as_role, people):
    accepted = cc.links.get(source__code="B5", target__code="CC1")  # through KNO, in the demo
    step = Link.objects.get(mapping__slug="cih-cc", source__code="KNO", target__code="CC1")
    step.edit(by=people["publisher"], revision=step.revision, relation="supports")
    flagged = _text(as_role("editor").get(BASE))
    assert "Accepted links whose path has changed" in flagged
    assert f"{step.reference} now supports (was partly covers)" in flagged
    page = _text(as_role("viewer").get(f"/m/example-homes-cc/links/{accepted.pk}/"))
    assert "To review: this link was accepted from a suggestion inferred through KNO" in page
    first = Link.objects.get(mapping__slug="example-homes-cih", source__code="B5",
                             target__code="KNO")  # fmt: skip
    first.retire(by=people["publisher"], revision=first.revision, reason="Folded in.")
    flagged = _text(as_role("editor").get(BASE))
    assert f"{first.reference} was retired" in flagged


def test_a_flagged_link_checked_as_still_holding_is_flagged_no_more(cc, as_role, people):
    """The header counts a flagged link for its publishers; an editor says it still holds
    (from the review queue or its page): it leaves the queue and the count, says who checked
    it, and is flagged again only if its path changes again."""
    accepted = cc.links.get(source__code="B5", target__code="CC1")  # through KNO, in the demo
    step = Link.objects.get(mapping__slug="cih-cc", source__code="KNO", target__code="CC1")
    publisher = as_role("publisher")

    def waiting() -> int:
        page = publisher.get("/m/example-homes-cc/").content.decode()
        found = re.search(r'To review <span class="count">\((\d+)', page)
        return int(found[1]) if found else 0

    before = waiting()
    step.edit(by=people["publisher"], revision=step.revision, relation="supports")
    assert waiting() == before + 1
    link_page = f"/m/example-homes-cc/links/{accepted.pk}/"
    page = as_role("editor").get(link_page).content.decode()
    assert "It still holds<span" in page
    assert "It still holds<span" not in as_role("viewer").get(link_page).content.decode()
    # A viewer may not say so; an editor may.
    url = reverse("link_still_holds", args=[accepted.pk])
    assert as_role("viewer").post(url).status_code == 403
    response = as_role("editor").post(url, {"next": BASE})
    assert response.status_code == 302 and response["Location"] == BASE
    assert waiting() == before
    assert f"{step.reference} now supports" not in _text(as_role("editor").get(BASE))
    page = _text(as_role("viewer").get(link_page))
    assert "To review:" not in page
    today = timezone.localdate()
    assert f"Checked after its path changed: it still holds (editor, {today:%-d %B %Y})" in page
    # The history records the check, with what had changed, and offers no revert of it.
    check = Change.objects.get(subject_type="link", subject_id=accepted.pk, action="checked")
    assert (check.user, check.before, check.after) == (
        people["editor"], tracked_values(accepted), tracked_values(accepted))  # fmt: skip
    said = f"It still holds, though {step.reference} now supports (was partly covers)."
    assert check.reason == said
    assert said in page and "Cannot be reverted" not in page
    # A check changes nothing an edition holds: the banner counts no change for it.
    banner = as_role("viewer").get(link_page).content.decode()
    assert cc.editions.exists() and "No changes since <a" in banner
    assert f"Checked link {accepted.reference} by editor" in page
    # A second press (a double click, or a colleague a moment later) records nothing more.
    again = as_role("editor").post(url, {"next": BASE}, follow=True)
    assert "was not waiting to be checked" in _text(again)
    assert Change.objects.filter(subject_id=accepted.pk, action="checked").count() == 1
    step.refresh_from_db()
    step.edit(by=people["publisher"], revision=step.revision, relation="partly_covers")
    assert f"{step.reference} now partly covers (was supports)" in _text(
        as_role("editor").get(BASE)
    )
    # Flagged again: the page says so, and no longer that it was checked.
    page = _text(as_role("viewer").get(link_page))
    assert "To review:" in page and "Checked after its path changed" not in page


def test_a_post_without_the_suggestion_says_so_once(cc, as_role):
    before = _state(cc)
    data = {"source": "B1.1", "target": "CC5", "relation": "supports", "rationale": "Why."}
    page = as_role("editor").post(f"{BASE}accept/", data).content.decode()
    assert "Choose a suggestion." in page and "This field is required" not in page
    assert "Choose a suggestion. Choose a suggestion." not in page
    assert _state(cc) == before


def test_a_crosswalk_link_tells_its_editors_what_other_registers_infer_through_it(cc, as_role):
    """INT.4 → CC4 is the second step of inferred links in the Competence and Conduct
    register, two of them accepted: editing it would change or flag those, and its page
    says so to those who may edit it (computed as the register infers)."""
    step = Link.objects.get(mapping__slug="cih-cc", source__code="INT.4", target__code="CC4")
    through = {(s, step.target_id) for s in Link.objects.filter(
        target=step.source, status="approved", mapping__slug="example-homes-cih"
    ).values_list("source_id", flat=True)}  # fmt: skip
    decided = set(cc.links.values_list("source_id", "target_id"))
    accepted = cc.links.filter(accepted_from__kind="inferred", target=step.target).count()
    url = f"/m/cih-cc/links/{step.pk}/"
    page = _text(as_role("editor").get(url))
    inferred = len(through - decided)
    assert (
        f"This link is a step in what other registers infer through crosswalks: {inferred} "
        f"inferred link{'s' if inferred != 1 else ''} and {accepted} links accepted from such "
        "an inference in Our Behaviours and the Competence and Conduct Standard" in page
    )
    assert "what other registers infer" not in _text(as_role("viewer").get(url))


def test_what_a_crosswalk_link_tells_its_editors_costs_no_more_however_many_registers(
    cc, as_role, settings
):
    """Each register that infers through it is counted in the same few queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.WEAVE_PAGE_CACHE = False
    step = Link.objects.get(mapping__slug="cih-cc", source__code="INT.4", target__code="CC4")
    editor, url = as_role("editor"), f"/m/cih-cc/links/{step.pk}/"

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor.get(url).status_code == 200
        return len(queries)

    before = cost()
    for number in range(5):
        Mapping.objects.create(name=f"Extra {number}", slug=f"extra-{number}",
                               source_framework=cc.source_framework,
                               target_framework=cc.target_framework)  # fmt: skip
    page = _text(editor.get(url))
    assert "Extra 4" in page  # each infers through it, and is named
    assert cost() <= before


def test_an_inferred_link_shows_why_each_step_holds_and_leads_to_it(cc, client, people):
    """On an element's page, each path of a link inferred through a crosswalk names its two
    steps as links to their pages, with each step's rationale; an element with no links of
    its own offers no link table that would list none."""
    register = LiveRegister(cc)
    target = next(
        e for e in register.elements(Side.TARGET)
        if register.inferred_of(e, at_most=5)[0] and not cc.links.filter(target=e).exists()
        and not e.children.exists()
    )  # fmt: skip
    html = client.get(target.url).content.decode()
    [inferred, *_] = register.inferred_of(target, at_most=5)[0]
    path = register.with_paths([inferred])[0].path_list[0]
    for step in (path.first, path.second):
        assert f'<a href="/m/{step.register_slug}/links/{step.link_id}/">' in html
        assert f"<q>{escape(step.rationale)}</q>" in html
    assert "See these links in the link table" not in html
    # An edition shows each step as it froze it, not leading to its live page.
    edition = Edition.objects.publish(cc, by=people["publisher"], title="Pinned")
    pinned = client.get(f"/m/{cc.slug}/editions/{edition.number}{target.url.split(cc.slug)[1]}")
    pinned = pinned.content.decode()
    assert f"<q>{escape(path.first.rationale)}</q>" in pinned
    assert f'<a href="/m/{path.first.register_slug}/links/{path.first.link_id}/">' not in pinned
    linked = cc.links.exclude(status="retired").select_related("target").first().target
    assert (
        "See these links in the link table"
        in client.get(register.urls.element(Side.TARGET, linked.code)).content.decode()
    )


def test_the_register_json_gives_the_suggestions_dismissed_to_its_editors_only(cc, as_role):
    """register.json is every row of the register; what was dismissed, and why, is the
    editors' business, as on the suggestions page (which asks anyone else to sign in)."""
    url = "/m/example-homes-cc/register.json"
    for role in ("anonymous", "viewer"):
        [record] = as_role(role).get(url).json()["mappings"]
        assert record["dismissed"] == []
    [record] = as_role("editor").get(url).json()["mappings"]
    assert [(d["source"], d["target"]) for d in record["dismissed"]] == [("B6", "CC1")]
