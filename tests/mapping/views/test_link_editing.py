"""Editing in place: links on the link table and element pages, elements and frameworks."""

import re

from django.urls import reverse

from mapping.models import Change, Link, LinkStatus
from standards.models import Element, Framework

HTMX = {"HX-Request": "true"}
UNCHECKED = {"source_check": "unchecked", "level_label": "Behaviour"}


def behaviour(code: str) -> str:
    return reverse("element_detail", kwargs={"framework": "our-ways", "code": code})


def _edit(client, link, **data):
    payload = {
        "relation": link.relation,
        "rationale": link.rationale,
        "example": link.example,
        "revision": link.revision,
        "style": "table",
    } | data
    return client.post(reverse("link_edit", args=[link.pk]), payload, headers=HTMX)


def test_the_edit_button_turns_the_row_into_a_form(small, as_role):
    link = small["b11_s11"]
    response = as_role("editor").get(
        reverse("link_edit", args=[link.pk]) + "?style=table", headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="link-{link.pk}" class="editing">')
    assert "<html" not in html
    assert 'name="rationale"' in html and f'name="revision" value="{link.revision}"' in html


def test_saving_swaps_the_row_back_and_records_the_change(small, as_role, people):
    link = small["b11_s11"]
    response = _edit(as_role("publisher"), link, rationale="Listening well is hearing out.")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="link-{link.pk}">')
    assert "Listening well is hearing out." in html and "Saved." in html
    link.refresh_from_db()
    assert link.rationale == "Listening well is hearing out."
    assert link.revision == 2
    assert link.updated_by == people["publisher"]
    change = Change.objects.for_object(link).get()
    assert change.action == Change.Action.EDITED
    assert change.user == people["publisher"]
    assert change.before["rationale"] == "Listening is hearing people out."
    assert change.after["rationale"] == "Listening well is hearing out."
    assert [name for name, _, _ in change.differences] == ["rationale"]


def test_on_the_links_own_page_its_facts_and_history_follow_the_row(small, as_role, people):
    link, editor = small["b11_s11"], as_role("editor")
    page = editor.get(link.get_absolute_url()).content.decode()
    assert f"{reverse('link_edit', args=[link.pk])}?style=table&amp;element=&amp;on=link" in page
    row_form = editor.get(reverse("link_edit", args=[link.pk]) + "?style=table&on=link",
                          headers=HTMX).content.decode()  # fmt: skip
    assert '<input type="hidden" name="on" value="link">' in row_form
    html = _edit(editor, link, rationale="Heard out.", on="link").content.decode()
    facts = html[html.index('<dl class="facts" id="link-facts" hx-swap-oob="true">') :]
    assert f"by <bdi>{people['editor']}</bdi>" in facts.split("</dl>")[0]
    # The permalink stays the full address the page showed (naming its register), not a path.
    permalink = f"http://testserver/m/ours{link.get_absolute_url()}"
    assert f">{permalink}</a>" in facts.split("</dl>")[0]
    history = html[html.index('id="link-history" hx-swap-oob="true"') :]
    assert "Heard out." in history
    on_the_table = _edit(editor, Link.objects.get(pk=link.pk), rationale="Again.").content
    assert b'id="link-facts"' not in on_the_table and b'id="link-history"' not in on_the_table
    # /links/N/edit/ opened as a page of its own is the link's page too: its form says so.
    page = editor.get(reverse("link_edit", args=[link.pk])).content.decode()
    assert '<input type="hidden" name="on" value="link">' in page and 'id="link-facts"' in page


def test_the_live_banner_follows_a_change_in_place(small, as_role, people):
    """The banner's "changes since edition 1" is redrawn beside the row (out of band), for
    an edit as for a new link, not left as it was when the page loaded."""
    from mapping.models import Edition

    Edition.objects.publish(small["mapping"], by=people["publisher"], title="One")
    editor = as_role("editor")
    assert "No changes since" in editor.get("/links/").content.decode()
    html = _edit(editor, small["b11_s11"], rationale="Heard out.").content.decode()
    banner = html[html.index('<div class="live-banner" id="live-banner" role="region" '
                             'aria-label="Register status" hx-swap-oob="true">') :]  # fmt: skip
    assert "1 change since" in " ".join(banner.split("</div>")[0].split())
    data = {"source": "B2", "target": "S2", "relation": "supports", "rationale": "Brave service."}
    html = editor.post(reverse("link_create"), data, headers=HTMX).content.decode()
    banner = html[html.index('id="live-banner" role="region"') :]
    assert "2 changes since" in " ".join(banner.split("</div>")[0].split())


def test_an_editor_edit_to_an_approved_link_goes_back_for_approval(small, as_role):
    link = small["b11_s11"]
    link.status = LinkStatus.APPROVED
    link.save()
    _edit(as_role("editor"), link, relation="partly_covers")
    link.refresh_from_db()
    assert (link.relation, link.status) == ("partly_covers", LinkStatus.PROPOSED)


def test_an_editor_saving_an_approved_link_unchanged_leaves_it_approved(small, as_role):
    link = small["b11_s11"]
    link.status = LinkStatus.APPROVED
    link.save()
    changes = Change.objects.count()
    response = _edit(as_role("editor"), link)
    link.refresh_from_db()
    assert response.status_code == 200
    assert (link.status, link.revision) == (LinkStatus.APPROVED, 1)
    assert Change.objects.count() == changes
    assert "goes back" not in response.content.decode()


def test_a_plain_post_redirects(small, as_role):
    link = small["b11_s11"]
    response = as_role("editor").post(
        reverse("link_edit", args=[link.pk]),
        {"relation": "supports", "rationale": "Plain.", "example": "", "revision": 1},
    )
    assert response.status_code == 302
    assert response["Location"] == link.get_absolute_url()


def test_validation_errors_show_next_to_the_field_and_change_nothing(small, as_role):
    link = small["b11_s11"]
    response = _edit(as_role("editor"), link, rationale="  ", relation="loves")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Say why the behaviour relates to the standard." in html
    assert "Select a valid choice." in html
    assert 'aria-invalid="true"' in html
    link.refresh_from_db()
    assert link.rationale == "Listening is hearing people out."
    assert not Change.objects.exists()


def test_two_editors_cannot_overwrite_each_other(small, as_role):
    """Both open the form at revision 1; the second save is refused, showing both versions."""
    link = small["b11_s11"]
    first, second = as_role("editor"), as_role("publisher")
    assert first.get(reverse("link_edit", args=[link.pk]), headers=HTMX).status_code == 200
    assert second.get(reverse("link_edit", args=[link.pk]), headers=HTMX).status_code == 200
    assert _edit(first, link, rationale="First editor's words.").status_code == 200
    response = _edit(second, link, rationale="Second editor's words.")
    html = response.content.decode()
    assert response.status_code == 409
    assert "after you opened it" in html
    assert "First editor&#x27;s words." in html  # theirs
    assert "Second editor&#x27;s words." in html  # yours, still in the form
    assert 'name="revision" value="2"' in html  # saving again is a deliberate choice
    # What they changed includes the status; focus starts at what happened, not a field.
    status = f'<th scope="row">Status</th><td data-label="Theirs">{link.get_status_display()}'
    assert status in html and "autofocus" not in html
    link.refresh_from_db()
    assert link.rationale == "First editor's words."
    assert Change.objects.for_object(link).count() == 1


def test_a_duplicate_pair_is_refused_with_a_link_to_the_existing_one(small, as_role):
    existing = small["b11_s11"]
    response = as_role("editor").post(
        reverse("link_create"),
        {"source": "B1.1", "target": "S1.1", "relation": "supports", "rationale": "Again."},
        headers=HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "B1.1 is already linked to S1.1: edit that link instead." in html
    assert f'href="{existing.get_absolute_url()}"' in html
    assert Link.objects.count() == 3
    # A retired one cannot be edited: it is to be restored.
    Link.objects.filter(pk=existing.pk).update(status=LinkStatus.RETIRED, retired_reason="Old.")
    again = (
        as_role("editor")
        .post(
            reverse("link_create"),
            {"source": "B1.1", "target": "S1.1", "relation": "supports", "rationale": "Again."},
            headers=HTMX,
        )
        .content.decode()
    )
    assert "B1.1 is already linked to S1.1 (retired): restore that link instead." in again


def test_adding_a_link_makes_a_draft_and_tells_the_table(small, as_role, people):
    response = as_role("editor").post(
        reverse("link_create"),
        {"source": "B1.2 Say thank you", "target": "S1", "relation": "supports",
         "rationale": "Thanks show respect.", "propose": "1"},
        headers=HTMX,
    )  # fmt: skip
    assert response.status_code == 200
    assert "linksChanged" in response["HX-Trigger"]
    link = Link.objects.get(source__code="B1.2", target__code="S1")
    assert link.status == LinkStatus.PROPOSED
    assert link.created_by == people["editor"]
    change = Change.objects.for_object(link).get()
    assert change.action == Change.Action.CREATED and change.after["rationale"]
    assert f"{link.history_label}</a> and proposed it for approval." in response.content.decode()


def test_an_empty_rationale_is_said_once_in_the_registers_words(small, as_role):
    editor = as_role("editor")
    new = editor.post(reverse("link_create"), {"source": "B1.2", "target": "S1",
                      "relation": "supports", "rationale": "  "}, headers=HTMX)  # fmt: skip
    edit = _edit(editor, small["b11_s11"], rationale="")
    for response in (new, edit):
        html = response.content.decode()
        assert response.status_code == 400
        assert html.count("Say why the behaviour relates to the standard.") == 1
        assert "one relates to the other" not in html
    assert "Why the behaviour relates to the standard." in new.content.decode()
    assert not Link.objects.filter(source__code="B1.2", target__code="S1").exists()
    # The edit comes back with the keyboard focus on the rationale, the field at fault.
    fields = dict(
        re.findall(r'<(?:select|textarea)[^>]*name="(\w+)"([^>]*)>', edit.content.decode())
    )
    assert "autofocus" in fields["rationale"] and "autofocus" not in fields["relation"]


def test_an_empty_form_says_what_each_field_needs_in_the_registers_words(small, as_role):
    response = as_role("editor").post(reverse("link_create"), {}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 400
    for said in ("Choose the behaviour.", "Choose the standard.",
                 "Choose how the behaviour relates to the standard.",
                 "Say why the behaviour relates to the standard."):  # fmt: skip
        assert said in html
    assert "This field is required." not in html


def test_an_unknown_element_code_is_refused_inline(small, as_role):
    response = as_role("editor").post(
        reverse("link_create"),
        {"source": "B9", "target": "S1", "relation": "supports", "rationale": "x"},
    )
    assert response.status_code == 400
    assert "“B9” is not a behaviour in this register" in response.content.decode()


def test_retiring_takes_a_link_out_of_the_live_views_but_keeps_it(small, as_role, client):
    link = small["b2_s12"]
    response = as_role("editor").post(
        reverse("link_retire", args=[link.pk]),
        {"reason": "Bravery is not the point.", "revision": 1, "style": "table"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Retired" in response.content.decode()
    assert "linkRetired" in response["HX-Trigger"]  # the table's counts redraw themselves
    link.refresh_from_db()
    assert (link.status, link.retired_reason) == (LinkStatus.RETIRED, "Bravery is not the point.")
    assert f'id="link-{link.pk}"' not in client.get(reverse("link_table")).content.decode()
    assert "S1.2" not in client.get(behaviour("B2")).content.decode()
    page = client.get(link.get_absolute_url()).content.decode()
    assert "This link was retired" in page and "Bravery is not the point." in page
    assert Change.objects.for_object(link).get().action == Change.Action.RETIRED
    # The history names each field in words, not by its column.
    history = re.sub(r"\s+", " ", as_role("editor").get(reverse("changes")).content.decode())
    assert '<th scope="row">Why it was retired</th>' in history
    assert "Retired_reason" not in history and "retired_reason" not in history


def test_retiring_needs_a_reason(small, as_role):
    link = small["b2_s12"]
    response = as_role("editor").post(
        reverse("link_retire", args=[link.pk]), {"reason": " ", "revision": 1}
    )
    assert response.status_code == 400
    assert "Say why it is being retired." in response.content.decode()
    link.refresh_from_db()
    assert link.status != LinkStatus.RETIRED


def test_an_editors_edit_of_an_approved_link_says_it_goes_back_for_approval(small, as_role):
    """Said in the row (and read out: data-announce), not a bare "Saved."."""
    link = small["b11_s11"]
    Link.objects.filter(pk=link.pk).update(status=LinkStatus.APPROVED)
    link.refresh_from_db()
    html = _edit(as_role("editor"), link, rationale="Reworded by an editor.").content.decode()
    said = "Saved, and sent to a publisher for approval."
    assert f'<p class="saved" role="status" data-announce>{said}</p>' in html
    link.refresh_from_db()
    assert link.status == LinkStatus.PROPOSED


def test_propose_then_approve(small, as_role):
    link = small["b1_s2"]
    assert link.status == LinkStatus.DRAFT
    response = as_role("editor").post(reverse("link_propose", args=[link.pk]), headers=HTMX)
    assert response.status_code == 200
    # The row says what was done, not a bare "Saved.".
    assert '<p class="saved" role="status" data-announce>Proposed.</p>' in response.content.decode()
    assert as_role("editor").post(reverse("link_approve", args=[link.pk])).status_code == 403
    as_role("publisher").post(reverse("link_approve", args=[link.pk]))
    link.refresh_from_db()
    assert link.status == LinkStatus.APPROVED
    actions = list(Change.objects.for_object(link).values_list("action", flat=True))
    assert actions == [Change.Action.APPROVED, Change.Action.PROPOSED]


def test_titles_say_what_the_page_does_and_in_which_register(small, as_role, client):
    """Two registers' pages, and a link's page, its edit and its retire, tell apart by their
    titles (what a screen reader says first, and a tab's name)."""
    link = small["b1_s2"]
    name = small["mapping"].name
    editor = as_role("editor")
    assert (
        f"<title>Coverage matrix · {name} · Weave</title>"
        in client.get("/matrix/").content.decode()
    )
    for url, title in ((f"/links/{link.pk}/", link.reference),
                       (f"/links/{link.pk}/edit/", f"Edit {link.reference}"),
                       (f"/links/{link.pk}/retire/", f"Retire {link.reference}")):  # fmt: skip
        assert f"<title>{title} · {name} · Weave</title>" in editor.get(url).content.decode()


def test_approving_a_link_changed_since_the_row_was_shown_is_refused(small, as_role, people):
    """The row's Approve carries the revision shown: an edit in between is a conflict, and
    the row comes back as the link is now, to be read first."""
    link = small["b1_s2"]
    row = as_role("publisher").get("/links/", {"source": "B1"}).content.decode()
    assert f'name="revision" value="{link.revision}"' in row
    link.edit(by=people["editor"], revision=link.revision, rationale="Changed meanwhile.")
    publisher = as_role("publisher")
    url = reverse("link_approve", args=[link.pk])
    response = publisher.post(url, {"revision": link.revision - 1}, headers=HTMX)
    assert response.status_code == 409
    page = response.content.decode()
    assert "editor changed this link since you opened the page" in page
    assert "Changed meanwhile." in page and f'value="{link.revision}"' in page
    assert Link.objects.get(pk=link.pk).status == LinkStatus.DRAFT
    assert publisher.post(url, {"revision": "x"}, headers=HTMX).status_code == 400
    assert publisher.post(url, {"revision": link.revision}, headers=HTMX).status_code == 200
    assert Link.objects.get(pk=link.pk).status == LinkStatus.APPROVED


def test_rows_on_element_pages_edit_in_place_too(small, as_role):
    link = small["b11_s11"]
    page = as_role("editor").get(behaviour("B1")).content.decode()
    edit_url = reverse("link_edit", args=[link.pk])
    assert f"{edit_url}?style=source&amp;element={small['b1'].pk}" in page
    response = _edit(as_role("editor"), link, style="source", element=small["b1"].pk)
    html = response.content.decode()
    assert 'through <span class="code">B1.1</span>' in html


def test_editing_an_element_records_before_and_after(small, as_role):
    element = small["b1"]
    url = reverse("element_edit", args=[element.pk])
    assert "Be kind" in as_role("editor").get(url).content.decode()
    response = as_role("editor").post(
        url, {"title": "Be kind always", "description": "Every day.", "revision": 1, **UNCHECKED}
    )
    assert response.status_code == 302
    element.refresh_from_db()
    assert (element.title, element.revision) == ("Be kind always", 2)
    change = Change.objects.for_object(element).get()
    assert change.before["title"] == "Be kind" and change.after["title"] == "Be kind always"
    page = as_role("viewer").get(behaviour("B1")).content.decode()
    assert "History of B1" in page and "<del>Be kind</del>" in page


def test_a_stale_element_form_is_refused(small, as_role):
    element = small["b1"]
    url = reverse("element_edit", args=[element.pk])
    as_role("editor").post(url, {"title": "First", "description": "", "revision": 1, **UNCHECKED})
    response = as_role("publisher").post(
        url, {"title": "Second", "description": "", "revision": 1, **UNCHECKED}
    )
    assert response.status_code == 409
    element.refresh_from_db()
    assert element.title == "First"


def test_adding_an_element_under_another(small, as_role):
    url = reverse("element_create", args=["our-ways"]) + "?parent=B1"
    form = as_role("editor").get(url).content.decode()
    assert 'value="Descriptor"' in form and 'value="3"' in form  # level and next position
    top = as_role("editor").get(reverse("element_create", args=["our-ways"])).content.decode()
    assert 'value="Behaviour"' in top and 'value="3"' in top  # after B1 and B2, at their level
    response = as_role("editor").post(
        reverse("element_create", args=["our-ways"]),
        {"parent": small["b2"].pk, "code": "B2.1", "title": "Speak up", "level_label": "Child",
         "position": 1},
    )  # fmt: skip
    assert response.status_code == 302
    element = Element.objects.get(code="B2.1")
    assert element.parent == small["b2"]
    # The parents to choose from in the framework's order, each under its own parent.
    again = as_role("editor").get(reverse("element_create", args=["our-ways"])).content.decode()
    choices = re.findall(r'<option value="\d+">(B[\d.]+) ', again)
    assert choices == ["B1", "B1.1", "B1.2", "B2", "B2.1"]
    assert Change.objects.for_object(element).get().action == Change.Action.CREATED
    duplicate = as_role("editor").post(
        reverse("element_create", args=["our-ways"]),
        {"code": "B2.1", "title": "Again", "level_label": "Child", "position": 2},
    )
    assert duplicate.status_code == 400
    assert Element.objects.filter(code="B2.1").count() == 1


def test_editing_a_framework(small, as_role):
    url = reverse("framework_edit", args=["our-ways"])
    response = as_role("editor").post(
        url, {"name": "Our ways (2026)", "publisher": "Org", "revision": 1}
    )
    assert response.status_code == 302
    framework = Framework.objects.get(slug="our-ways")
    assert framework.name == "Our ways (2026)"
    page = as_role("viewer").get(reverse("framework_detail", args=["our-ways"])).content.decode()
    assert "<del>Our ways</del>" in page and "<ins>Our ways (2026)</ins>" in page


def test_creating_a_framework_validates(small, as_role):
    bad = as_role("editor").post(reverse("framework_create"), {"name": "", "kind": "odd"})
    assert bad.status_code == 400
    assert not Framework.objects.filter(name="").exists()


def test_retiring_an_element_takes_its_subtree_and_links_out_of_the_live_register(
    small, as_role, client
):
    b1 = small["b1"]
    url = reverse("element_retire", args=[b1.pk])
    assert as_role("viewer").post(url, {"reason": "x", "revision": 1}).status_code == 403
    assert as_role("editor").post(url, {"reason": " ", "revision": 1}).status_code == 400
    response = as_role("editor").post(url, {"reason": "Merged into B2.", "revision": 1})
    assert response.status_code == 302
    retired = set(Element.objects.filter(retired=True).values_list("code", flat=True))
    assert retired == {"B1", "B1.1", "B1.2"}
    assert set(Link.objects.current().values_list("source__code", flat=True)) == {"B2"}
    assert (
        Link.objects.get(pk=small["b11_s11"].pk).retired_reason
        == "Retired with B1: Merged into B2."
    )
    assert "B1.1" not in client.get(reverse("link_table")).content.decode()
    assert "Be kind" not in client.get(reverse("matrix")).content.decode()
    page = client.get(behaviour("B1")).content.decode()
    assert "B1 was retired: Merged into B2." in page
    change = Change.objects.for_object(b1).first()
    assert change.action == Change.Action.RETIRED and change.reason == "Merged into B2."
    # What sits under it, and its links, come back only after it: else every page that
    # lays out the tree would meet an element whose parent it does not hold.
    editor = as_role("editor")
    child = Element.objects.get(code="B1.1")
    link = Link.objects.get(pk=small["b11_s11"].pk)
    response = editor.post(reverse("element_restore", args=[child.pk]), follow=True)
    assert "B1.1 sits under B1, which is retired: restore B1 first." in response.content.decode()
    response = editor.post(reverse("link_restore", args=[link.pk]), {"revision": link.revision})
    assert response.status_code == 409
    assert "B1.1 is retired: restore it before its links." in response.content.decode()
    child.refresh_from_db()
    link.refresh_from_db()
    assert child.retired and link.is_retired
    for path in (reverse("home"), reverse("matrix"), reverse("coverage")):
        assert client.get(path).status_code == 200
    # Restoring brings the element back, not its links.
    editor.post(reverse("element_restore", args=[b1.pk]))
    b1.refresh_from_db()
    assert not b1.retired
    assert Change.objects.for_object(b1).first().action == Change.Action.RESTORED
    editor.post(reverse("element_restore", args=[child.pk]))
    assert editor.post(reverse("link_restore", args=[link.pk]),
                       {"revision": link.revision}).status_code == 302  # fmt: skip


def test_only_a_framework_nobody_maps_can_be_retired(small, as_role):
    in_use = reverse("framework_retire", args=["our-ways"])
    response = as_role("editor").post(in_use, {"reason": "Old.", "revision": 1})
    assert response.status_code == 400
    assert "cannot be retired" in response.content.decode()
    assert not Framework.objects.get(slug="our-ways").retired
    spare = Framework.objects.create(name="Spare", slug="spare", kind="standards", publisher="B")
    url = reverse("framework_retire", args=["spare"])
    assert as_role("editor").post(url, {"reason": "", "revision": 1}).status_code == 400
    assert as_role("editor").post(url, {"reason": "Never used.", "revision": 1}).status_code == 302
    spare.refresh_from_db()
    assert (spare.retired, spare.retired_reason) == (True, "Never used.")
    assert Change.objects.for_object(spare).get().action == Change.Action.RETIRED
    page = as_role("viewer").get(reverse("framework_detail", args=["spare"])).content.decode()
    assert "Spare was retired: Never used." in page
    as_role("editor").post(reverse("framework_restore", args=["spare"]))
    spare.refresh_from_db()
    assert not spare.retired


def test_the_retire_pages_ask_for_a_reason(small, as_role):
    client = as_role("editor")
    element = client.get(reverse("element_retire", args=[small["b1"].pk])).content.decode()
    assert f'action="/elements/{small["b1"].pk}/retire/"' in element
    assert "Retire B1</button>" in element and "Why retire it?" in element
    framework = client.get(reverse("framework_retire", args=["our-ways"])).content.decode()
    assert 'action="/frameworks/our-ways/retire/"' in framework
    assert "Retire Our ways</button>" in framework and 'href="/frameworks/our-ways/"' in framework


def test_a_retired_links_note_ends_its_reason_with_one_full_stop(small, as_role):
    for link, reason in ((small["b2_s12"], "No longer needed."), (small["b1_s2"], "Merged")):
        response = as_role("editor").post(
            reverse("link_retire", args=[link.pk]),
            {"reason": reason, "revision": link.revision, "style": "table"},
            headers=HTMX,
        )
        html = " ".join(response.content.decode().split())
        assert f"{reason.rstrip('.')}. It stays in the history." in html
        assert ".." not in html


def test_an_edit_loads_the_link_once(small, as_role):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    link = small["b11_s11"]
    client = as_role("publisher")
    for action in (
        lambda: _edit(client, link, rationale="Loaded once."),
        lambda: client.post(reverse("link_propose", args=[small["b1_s2"].pk]), headers=HTMX),
        lambda: client.post(reverse("link_approve", args=[small["b1_s2"].pk]), headers=HTMX),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert action().status_code == 200
        reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "mapping_link"')]
        assert len(reads) == 1, reads


def test_the_form_to_add_a_link_opened_in_place_has_close_and_closing_gives_the_button(
    demo, as_role
):
    editor = as_role("editor")
    url = reverse("link_create")
    opened = editor.get(url, {"next": "/links/?source=B2"}, headers={"HX-Request": "true"})
    html = opened.content.decode()
    assert "data-cancel>Close</a>" in html and "closed=1" in html
    page = editor.get(url).content.decode()
    assert "closed=1" not in page  # a page of its own has Back instead
    closed = editor.get(
        url, {"closed": "1", "next": "/links/?source=B2"}, headers={"HX-Request": "true"}
    )
    html = closed.content.decode()
    assert html.strip().startswith('<div id="add-link">') and "autofocus" in html
    assert "next=/links/%3Fsource%3DB2" in html
    assert "<form" not in html


def test_a_form_opened_as_its_own_page_and_saved_in_place_leaves_that_address(small, as_role):
    """Saved in place from /links/N/edit/ (or /retire/) opened as a page: the address
    becomes the link's, so that reloading shows the link, not the form again."""
    editor, link = as_role("editor"), small["b11_s11"]
    edit = {"relation": link.relation, "rationale": "Saved from its own page.", "example": "",
            "revision": link.revision}  # fmt: skip
    retire = {"reason": "Done with.", "revision": link.revision + 1}
    for name, data in (("link_edit", edit), ("link_retire", retire)):
        url = reverse(name, args=[link.pk])
        # As its Edit and Retire buttons lead there: with the row's query string.
        here = HTMX | {"HX-Current-URL": f"http://testserver{url}?style=table&element=&on=link"}
        response = editor.post(url, data, headers=here)
        assert response.status_code == 200, response.content
        assert response["HX-Replace-Url"] == link.get_absolute_url()
    link.refresh_from_db()
    assert link.is_retired and link.rationale == "Saved from its own page."
    # In place on another page (the link table), the address stays that page's own.
    elsewhere = HTMX | {"HX-Current-URL": "http://testserver/links/"}
    other = small["b2_s12"]
    response = editor.post(reverse("link_edit", args=[other.pk]),
                           {"relation": other.relation, "rationale": "Elsewhere.", "example": "",
                            "revision": other.revision}, headers=elsewhere)  # fmt: skip
    assert response.status_code == 200 and "HX-Replace-Url" not in response
