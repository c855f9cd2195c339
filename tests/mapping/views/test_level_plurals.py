"""A framework whose level names English cannot make plural ("Ymddygiad", "Criterion") says
each plural on its edit form; every page, the PDF's figures, an edition and the register's
JSON then say it so."""

from __future__ import annotations

import io
import json
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse

from mapping.models import Change, Edition
from standards.levels import english_plural, plural_in
from standards.models import Framework
from standards.schemas import FrameworkDetails


def test_a_plural_is_looked_up_in_any_case_and_written_as_the_name_is():
    plurals = {"Ymddygiad": "Ymddygiadau", "criterion": "criteria", "KSB": "KSBs"}
    asked = ["Ymddygiad", "ymddygiad", "Criterion", "KSB", "  ymddygiad ", "Behaviour", "Box"]
    assert [plural_in(plurals, label) for label in asked] == [
        "Ymddygiadau", "ymddygiadau", "Criteria", "KSBs", "ymddygiadau", "Behaviours", "Boxes",
    ]  # fmt: skip
    assert plural_in({}, "Category") == english_plural("Category") == "Categories"
    assert plural_in({"Ymddygiad": ""}, "Ymddygiad") == "Ymddygiads"  # blank: English


def _welsh(small) -> Framework:
    behaviours = small["b1"].framework
    behaviours.elements.filter(parent=None).update(level_label="Ymddygiad")
    behaviours.elements.exclude(parent=None).update(level_label="Disgrifydd")
    call_command("announce_changes", stdout=io.StringIO())  # an UPDATE, behind the write path
    return behaviours


def test_the_edit_form_asks_the_plural_of_each_level_name_and_every_page_says_it(
    small, as_role, client
):
    behaviours = _welsh(small)
    url = reverse("framework_edit", args=[behaviours.slug])
    editor = as_role("editor")
    form = editor.get(url).content.decode()
    assert "Plural of “Ymddygiad”" in form and "Plural of “Disgrifydd”" in form
    assert "Left blank: “Ymddygiads”" in form  # what English would make of it
    before = client.get("/").content.decode()
    assert "ymddygiads" in before.lower()

    typed = {"plural_0": " Ymddygiadau ", "plural_1": "Disgrifyddion"}
    response = editor.post(
        url, {"name": behaviours.name, "publisher": "Org", "revision": 1, **typed}
    )
    assert response.status_code == 302
    behaviours.refresh_from_db()
    assert behaviours.level_plurals == {"Ymddygiad": "Ymddygiadau", "Disgrifydd": "Disgrifyddion"}
    change = Change.objects.for_object(behaviours).first()
    assert change.after["level_plurals"] == behaviours.level_plurals

    pages = {
        "guide": client.get("/").content.decode(),
        "coverage": client.get(reverse("coverage")).content.decode(),
        "element": client.get(reverse("element_detail", args=["our-ways", "B1"])).content.decode(),
        "registers": client.get(reverse("mapping_list")).content.decode(),
    }
    for name, page in pages.items():
        assert "ymddygiads" not in page.lower() and "disgrifydds" not in page.lower(), name
    assert "Our ymddygiadau" in pages["guide"]
    assert "Ymddygiadau</th>" in pages["coverage"]
    assert "Disgrifyddion under it" in pages["element"]
    # Its edit form shows what it says now.
    assert 'value="Ymddygiadau"' in editor.get(url).content.decode()


def test_a_blank_plural_is_english_and_a_bad_one_is_refused_changing_nothing(small, as_role):
    behaviours = _welsh(small)
    url = reverse("framework_edit", args=[behaviours.slug])
    editor = as_role("editor")
    base = {"name": behaviours.name, "publisher": "Org", "revision": 1}
    for bad in ("x" * 61, "Ymddygiad\x0bau"):
        refused = editor.post(url, {**base, "plural_0": bad})
        assert refused.status_code == 400, bad
        behaviours.refresh_from_db()
        assert behaviours.level_plurals == {} and behaviours.revision == 1
    # Typed as English would make it, or left blank: nothing to keep.
    saved = editor.post(url, {**base, "plural_0": "Ymddygiads", "plural_1": ""})
    assert saved.status_code == 302
    behaviours.refresh_from_db()
    assert behaviours.level_plurals == {}


def test_an_edition_keeps_the_plurals_it_froze_and_an_unchanged_register_keeps_its_digest(
    small, people, client
):
    behaviours = _welsh(small)
    mapping = small["mapping"]
    first = Edition.objects.publish(mapping, by=people["publisher"], title="Before")
    Framework.objects.filter(pk=behaviours.pk).update(level_plurals={"Ymddygiad": "Ymddygiadau"})
    second = Edition.objects.publish(mapping, by=people["publisher"], title="After")
    assert second.digest != first.digest
    assert first.frameworks.get(side="source").level_plurals == {}
    assert second.frameworks.get(side="source").level_plurals == {"Ymddygiad": "Ymddygiadau"}
    assert "Our ymddygiadau" in client.get(second.get_absolute_url()).content.decode()
    assert "Our ymddygiads" in client.get(first.get_absolute_url()).content.decode()
    exported = json.loads(client.get(reverse("register_export")).content)
    source = next(f for f in exported["frameworks"] if f["slug"] == behaviours.slug)
    assert source["level_plurals"] == {"Ymddygiad": "Ymddygiadau"}


def test_an_import_reads_plurals_and_refuses_odd_ones():
    base = {"name": "Safonau", "slug": "safonau", "kind": "standards", "publisher": "CIH"}
    read = FrameworkDetails.model_validate(
        {**base, "level_plurals": {" Safon ": "Safonau\u0301"}}, context={"from_people": True}
    )
    assert read.level_plurals == {"Safon": "Safonaú"}  # composed (NFC), spaces trimmed
    for odd in ({"Safon": ""}, {"Safon": "x" * 61}, {"Safon": "Safon\x0bau"}):
        with pytest.raises(ValueError):
            FrameworkDetails.model_validate({**base, "level_plurals": odd},
                                            context={"from_people": True})  # fmt: skip


def test_the_pdfs_coverage_table_says_the_plural(small, client):
    behaviours = _welsh(small)
    Framework.objects.filter(pk=behaviours.pk).update(level_plurals={"Ymddygiad": "Ymddygiadau"})
    call_command("announce_changes", stdout=io.StringIO())
    response = client.get(reverse("guide_pdf"))
    assert response.status_code == 200
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()  # fmt: skip
    flat = " ".join(text.split())
    assert "Ymddygiadau (" in flat and "Ymddygiads" not in flat


def test_the_history_says_a_plural_in_words_and_the_element_form_renames_a_level(
    small, as_role, client
):
    behaviours = small["b1"].framework
    editor = as_role("editor")
    renamed = editor.post(reverse("element_edit", args=[small["b1"].pk]), {
        "title": "Be kind", "description": "", "level_label": "Ymddygiad", "revision": 1,
        "source_check": "unchecked"})  # fmt: skip
    assert renamed.status_code == 302
    small["b1"].refresh_from_db()
    assert small["b1"].level_label == "Ymddygiad"
    url = reverse("framework_edit", args=[behaviours.slug])
    form = editor.get(url).content.decode()
    assert "Plural of “Ymddygiad”" in form
    # Its fields in the form's order: the name, the publisher, then each level's plural.
    editor.post(url, {"name": behaviours.name, "publisher": "Org", "revision": 1,
                      "plural_0": "Ymddygiadau"})  # fmt: skip
    page = client.get(reverse("framework_detail", args=[behaviours.slug])).content.decode()
    assert "<ins>Ymddygiad → Ymddygiadau</ins>" in page and "{&#x27;" not in page


def test_saving_the_form_keeps_plurals_of_levels_no_element_uses_now(small, as_role):
    behaviours = small["b1"].framework
    Framework.objects.filter(pk=behaviours.pk).update(
        level_plurals={"Criterion": "Criteria", "Behaviour": "Behaviourz"}
    )
    url = reverse("framework_edit", args=[behaviours.slug])
    as_role("editor").post(url, {"name": "Our ways, 2027", "publisher": "Org", "revision": 1,
                                 "plural_0": "", "plural_1": ""})  # fmt: skip
    behaviours.refresh_from_db()
    assert behaviours.name == "Our ways, 2027"
    # Behaviour's box was emptied (English again); Criterion had no box, and stays.
    assert behaviours.level_plurals == {"Criterion": "Criteria"}


def test_a_file_may_say_at_most_a_hundred_plurals_each_once():
    base = {"name": "Safonau", "slug": "safonau", "kind": "standards", "publisher": "CIH"}
    many = {f"Level {n}": f"Levels {n}" for n in range(101)}
    for odd in (many, {"Safon": "Safonau", "safon": "Safonau"}):
        with pytest.raises(ValueError):
            FrameworkDetails.model_validate({**base, "level_plurals": odd})


def test_an_unchanged_register_after_the_upgrade_has_nothing_new_to_publish(small, people):
    """Plurals are left out of an edition's digest where a framework says none: a register
    published before them is, unchanged, still the edition it was."""
    from mapping.models.editions import NothingToPublish, _live_content

    mapping = small["mapping"]
    # What a digest was made of before plurals were kept: no such key where none is said.
    assert all("level_plurals" not in f for f in _live_content(mapping)["frameworks"])
    Edition.objects.publish(mapping, by=people["publisher"], title="One")
    with pytest.raises(NothingToPublish):
        Edition.objects.publish(mapping, by=people["publisher"], title="One")
