"""Uploading a file to import: its kind, where it goes, and the editor's choices. The file
is checked for size and type here; its contents in the dry run."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from mapping.exchange.case.reader import is_weave_framework
from mapping.forms.text import SaysWhatIsMissing, TextField, slug_from_name
from mapping.models import ImportBatch, LinkStatus
from standards.models import Framework, framework_slug_validator
from standards.schemas import SLUG_PATTERN

FORMATS = {".csv": ImportBatch.Format.CSV, ".xlsx": ImportBatch.Format.XLSX,
           ".json": ImportBatch.Format.CASE}  # fmt: skip


def _a_weave_framework(upload) -> bool:
    try:
        data = json.loads(upload.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    finally:
        upload.seek(0)
    return is_weave_framework(data)


class UploadField(forms.FileField):
    """A CSV, XLSX or CASE JSON file, no larger than WEAVE_IMPORT_MAX_BYTES."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        name = upload.name.lower()
        extension = next((ext for ext in FORMATS if name.endswith(ext)), None)
        if extension is None:
            raise forms.ValidationError(
                f"“{upload.name}” is not a file Weave imports: choose a .csv, an .xlsx or a "
                "CASE .json file."
            )
        limit = settings.WEAVE_IMPORT_MAX_BYTES
        if upload.size > limit:
            size, most = filesizeformat(upload.size), filesizeformat(limit)
            if size == most:  # "5.0 MB: files up to 5.0 MB" would say nothing
                size, most = f"{upload.size:,} bytes", f"{limit:,} bytes ({most})"
            raise forms.ValidationError(
                f"The file is {size}: files up to {most} can be imported. Split it, or ask "
                "your administrator."
            )
        head = upload.read(4)
        upload.seek(0)
        if extension == ".xlsx" and head != b"PK\x03\x04":
            raise forms.ValidationError(
                f"“{upload.name}” is called .xlsx but is not an Excel workbook."
            )
        upload.weave_format = FORMATS[extension]
        return upload


class FrameworkImportForm(SaysWhatIsMissing, forms.Form):
    file = UploadField(
        label="File to import",
        help_text="CSV or Excel (columns: code, title, description, parent code, level label, "
        "position) or a CASE 1.0 package (.json).",
    )
    framework = forms.ModelChoiceField(
        label="Into",
        queryset=Framework.objects.filter(retired=False).order_by("kind", "name"),
        required=False,
        empty_label="A new framework",
    )
    name = TextField(label="New framework's name", required=False, max_length=200)
    slug = forms.RegexField(
        label="Its short name, for addresses", required=False, max_length=80, regex=SLUG_PATTERN,
        validators=[framework_slug_validator],
        help_text="Left blank, it is made from the name.",
    )  # fmt: skip
    # No kind chosen until someone chooses: a file that says its own (Weave's, or a CASE
    # package Weave wrote) is then read as it says, not as the first in the list.
    kind = forms.ChoiceField(
        choices=[("", "Choose, unless the file says"), *Framework.Kind.choices],
        required=False,
        label="Its kind",
    )
    publisher = TextField(label="Its publisher", required=False, max_length=200)
    official_wording = forms.BooleanField(
        required=False,
        label="This file is the publisher's own wording: mark every element in it as checked "
        "against the source",
    )
    retire_missing = forms.BooleanField(
        required=False, label="Retire what is not in the file (with its links)"
    )
    version_label = TextField(
        label="Its version",
        required=False,
        max_length=60,
        help_text="For a new version: what tells it from the one it replaces, such as “2026”.",
    )
    replaces = forms.ModelChoiceField(
        label="A new version of", queryset=Framework.objects.none(), required=False,
        empty_label="None: it is not a new version of a framework in Weave",
        to_field_name="slug",
        help_text="For a new framework: Weave makes a crosswalk between the two versions, and "
        "offers to move registers onto the new one.",
    )  # fmt: skip

    def __init__(self, *args, frameworks, can_add: bool, **kwargs) -> None:
        """frameworks: those the importer may change; can_add: whether they may add one."""
        super().__init__(*args, **kwargs)
        self.can_add = can_add
        field = self.fields["framework"]
        field.queryset = frameworks.filter(retired=False).order_by("kind", "name")
        self.fields["replaces"].queryset = Framework.objects.order_by("kind", "name")
        for name in ("framework", "replaces"):
            self.fields[name].label_from_instance = Framework.choice_label.fget
        if not can_add:  # into a framework they may change, never a new one
            field.required, field.empty_label = True, None
            for name in ("name", "slug", "kind", "publisher", "version_label", "replaces"):
                del self.fields[name]

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if not data.get("framework") and "framework" not in self.errors and self.can_add:
            slug_from_name(self, Framework)  # from the name typed, if the slug is not
            case = upload is not None and upload.weave_format == ImportBatch.Format.CASE
            # A CASE package names its framework and publisher itself; Weave's own framework
            # file (fixtures/) all four.
            named = case and _a_weave_framework(upload)
            needed = () if named else ("slug", "kind") + (() if case else ("name", "publisher"))
            said = {"name": "Give the new framework's name.",
                    "slug": "Give it a short name, or a name to make one from.",
                    "kind": "Choose its kind: the file does not say it.",
                    "publisher": "Give its publisher."}  # fmt: skip
            if data.get("replaces") is not None:  # a new version says what the old one did
                needed = ("slug", "version_label") if not case else ("slug",)
                said |= {"slug": "Give the new version a short name of its own, for its "
                                "addresses (such as cih-2026).",
                        "version_label": "Say which version it is, such as 2026."}  # fmt: skip
            for name in needed:
                # A short name is made from the name: with neither, the name is what to give.
                made_from_name = name == "slug" and "name" in needed and not data.get("name")
                if not data.get(name) and name not in self.errors and not made_from_name:
                    self.add_error(name, said[name])
        old = data.get("replaces")
        if old is not None and data.get("framework"):
            self.add_error("replaces", "A new version is a new framework: choose “A new "
                           "framework” above.")  # fmt: skip
        elif old is not None and data.get("kind") and data["kind"] != old.kind:
            self.add_error("replaces", f"{old.name} is a {old.get_kind_display().lower()}: its "
                           "new version must be one too.")  # fmt: skip
        return data


class LinkImportForm(SaysWhatIsMissing, forms.Form):
    file = UploadField(
        label="File to import",
        help_text="CSV or Excel (columns: source code, target code, relation, rationale, "
        "example) or a CASE 1.0 package (.json) whose associations join this register's "
        "frameworks.",
    )
    status = forms.ChoiceField(
        label="Save new links as",
        choices=[(LinkStatus.DRAFT, "Drafts"), (LinkStatus.PROPOSED, "Proposed, for approval")],
        initial=LinkStatus.DRAFT,
    )
    retire_missing = forms.BooleanField(
        required=False, label="Retire this register's links that are not in the file"
    )

    def __init__(self, *args, can_approve: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if can_approve:
            self.fields["status"].choices += [(LinkStatus.APPROVED, "Approved")]
