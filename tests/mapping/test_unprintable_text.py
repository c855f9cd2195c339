"""Text nobody can print (a vertical tab pasted from a word processor, a right-to-left
override) is refused with a clear message by every form and the admin, changing nothing
(imports: tests/mapping/importing); what an older install already holds never breaks a
download (openpyxl and python-docx read the files back)."""

import io

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mapping.models import Change, Link, Mapping
from standards.models import Element
from standards.text import printable, unprintable

VT, RLO = "\x0b", "\u202e"


@pytest.mark.parametrize(("text", "said"), [
    (f"First{VT}second", "vertical tab (U+000B)"),
    ("A\x01B", "control character (U+0001)"),
    ("A\x7fB", "control character (U+007F)"),
    ("A\x85B", "control character (U+0085)"),
    (f"{RLO}We use data well", "right-to-left override (U+202E)"),
    ("A\u2067B", "right-to-left isolate (U+2067)"),
])  # fmt: skip
def test_what_cannot_be_printed_is_named(text, said):
    assert said in unprintable(text)
    assert unprintable(printable(text)) is None


@pytest.mark.parametrize("text", ["Tabs\tand\nlines\r\n", "عربي \u200f mark", "Emoji 🙂", ""])
def test_printable_text_passes_as_it_is(text):
    assert unprintable(text) is None and printable(text) == text


def test_the_link_form_refuses_it_and_changes_nothing(small, as_role):
    link = small["b11_s11"]
    response = as_role("editor").post(
        reverse("link_edit", args=[link.pk]),
        {"relation": "supports", "rationale": f"Right{VT}first time", "example": "",
         "revision": link.revision},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "invisible vertical tab (U+000B)" in response.content.decode()
    link.refresh_from_db()
    assert VT not in link.rationale and not Change.objects.exists()


def test_the_element_form_refuses_an_override(small, as_role):
    element = small["b1"]
    response = as_role("editor").post(
        reverse("element_edit", args=[element.pk]),
        {"title": f"{RLO}Be kind", "description": "", "revision": element.revision,
         "source_check": "unchecked"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "right-to-left override (U+202E)" in response.content.decode()
    element.refresh_from_db()
    assert element.title == "Be kind"


def test_the_admin_refuses_it(small, as_role):
    mapping = Mapping.objects.get()
    url = reverse("admin:mapping_mapping_change", args=[mapping.pk])
    response = as_role("admin").get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {**form.initial, "name": f"Ou{VT}rs", "source_framework": mapping.source_framework_id,
            "target_framework": mapping.target_framework_id}  # fmt: skip
    response = as_role("admin").post(url, {k: v for k, v in data.items() if v is not None})
    assert "invisible vertical tab" in response.content.decode()
    assert Mapping.objects.get().name == mapping.name


def test_what_an_older_install_holds_downloads_without_it(small, client):
    """Saved before the check (as an update that bypasses it would): every download works."""
    link = small["b11_s11"]
    Link.objects.filter(pk=link.pk).update(rationale=f"Right{VT}first{RLO} time")
    Element.objects.filter(pk=link.target_id).update(title=f"Listen{VT}ing")
    Mapping.objects.update(name="Ours: behaviours / standards [2026]")

    content = client.get("/links.xlsx")
    assert content.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(content.content))
    cells = [cell for row in workbook.worksheets[0].iter_rows(values_only=True) for cell in row]
    assert "Rightfirst time" in cells
    assert workbook.sheetnames[0] == "Ours- behaviours - standards…"

    framework = link.target.framework.slug
    pack = client.get(f"/elements/{framework}/{link.target.code}/evidence.docx")
    assert pack.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(pack.content)).paragraphs)
    assert "Listening" in text


def test_an_override_an_older_install_kept_cannot_turn_a_history_line_around(small, client):
    element = small["b1"]
    Change.objects.create(subject_type="element", subject_id=element.pk, action="edited",
                          subject_label=f"{RLO}Be kind", framework=element.framework)  # fmt: skip
    page = client.get(reverse("changes")).content.decode()
    assert f"element <bdi>{RLO}Be kind</bdi>" in page


@pytest.mark.parametrize("kind", ["link", "element"])
def test_retiring_with_a_pasted_control_character_is_refused_not_a_500(small, as_role, kind):
    subject = small["b11_s11"] if kind == "link" else small["b1"]
    response = as_role("editor").post(
        reverse(f"{kind}_retire", args=[subject.pk]),
        {"reason": f"Pasted from Word{VT}second line", "revision": subject.revision},
    )
    assert response.status_code == 400
    assert "invisible vertical tab (U+000B)" in response.content.decode()
    subject.refresh_from_db()
    assert subject.retired is False if kind == "element" else subject.status != "retired"
    assert not Change.objects.exists()


def test_an_editions_title_and_a_reason_in_the_audit_log_are_refused_too(demo, as_role, people):
    publisher = as_role("publisher")
    response = publisher.post(reverse("edition_publish"), {"title": f"Spring{RLO}", "notes": ""})
    assert response.status_code == 400
    assert "right-to-left override (U+202E)" in response.content.decode()
    assert demo.editions.count() == 1
    roles = list(people["viewer"].memberships.values_list("role", "mapping"))
    url = reverse("person", args=[people["viewer"].pk])
    response = as_role("admin").post(url, {"role": "editor", "mapping": "",
                                           "reason": f"Promoted{VT}again"})  # fmt: skip
    assert response.status_code == 400 and "vertical tab" in response.content.decode()
    assert list(people["viewer"].memberships.values_list("role", "mapping")) == roles


@pytest.mark.parametrize(("form", "field"), [
    ("mapping.forms.editing.RetireForm", "reason"),
    ("mapping.forms.editing.EditionForm", "title"),
    ("mapping.forms.editing.EditionForm", "notes"),
    ("mapping.forms.registers.StartFromForm", "name"),
    ("mapping.forms.suggestions.AcceptForm", "rationale"),
    ("mapping.forms.suggestions.AcceptForm", "example"),
    ("mapping.forms.suggestions.DismissForm", "reason"),
    ("mapping.forms.suggestions.BulkForm", "reason"),
    ("mapping.forms.people.AcceptForm", "name"),
    ("mapping.forms.people.RoleForm", "reason"),
    ("mapping.forms.imports.FrameworkImportForm", "name"),
    ("mapping.forms.imports.FrameworkImportForm", "publisher"),
    ("mapping.views.review.DecisionForm", "reason"),
    ("mapping.views.account.TokenForm", "name"),
    ("mapping.views.versions.MoveForm", "name"),
])  # fmt: skip
def test_every_form_that_keeps_what_is_typed_refuses_it(form, field):
    """The forms that are not a model's own: what they keep (a reason, a title, a rationale,
    a name) is checked as the model's text is, by the field."""
    module, name = form.rsplit(".", 1)
    found = getattr(__import__(module, fromlist=[name]), name).base_fields[field]
    with pytest.raises(ValidationError, match="invisible"):
        found.clean(f"x{VT}y")
