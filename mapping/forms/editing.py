"""The forms that write: links, elements, frameworks and editions. Each says what is wrong
in words next to the field, and a refused save changes nothing."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MinValueValidator
from django.db.models import Q

from mapping.access.policy import frameworks_they_may_change
from mapping.forms.levels import LevelPlurals
from mapping.forms.text import Composed, SaysWhatIsMissing, TextField, slug_from_name
from mapping.models import Link, Side
from mapping.register import LiveRegister
from mapping.register.words import Words
from standards.models import YEAR_RANGE, Element, Framework, SourceCheck, year_validators


class ElementCodeField(forms.CharField):
    """An element (a behaviour, a standard) chosen by typing its code (a datalist offers code
    and title)."""

    def __init__(self, *, elements: Sequence[Element], kind: str, **kwargs) -> None:
        super().__init__(max_length=400, **kwargs)
        self.elements = {element.code: element for element in elements}
        self.kind = kind

    def clean(self, value: str) -> Element:
        value = super().clean(value).strip()
        # The datalist fills in "CODE Title"; the code is what counts.
        code = value.split(" ", 1)[0]
        if code not in self.elements:
            raise forms.ValidationError(
                f"“{value}” is not a {self.kind} in this register: choose one from the list."
            )
        return self.elements[code]


class FormSaysItOnce:
    """Link.clean() repeats what the form has already said of a field (an empty rationale):
    keep the form's words, in the register's own terms, and say them once."""

    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict"):
            fresh = {field: said for field, said in errors.error_dict.items()
                     if field == NON_FIELD_ERRORS or field not in self.errors}  # fmt: skip
            errors = ValidationError(fresh)
            if not errors.error_dict:
                return
        super()._update_errors(errors)


def _in_their_words(form: forms.ModelForm, words: Words) -> None:
    rationale = form.fields["rationale"]
    rationale.error_messages["required"] = (
        f"Say why the {words.source} relates to the {words.target}."
    )
    rationale.help_text = f"Why the {words.source} relates to the {words.target}."
    relation = form.fields["relation"]
    relation.error_messages["required"] = (
        f"Choose how the {words.source} relates to the {words.target}."
    )
    relation.choices = [("", "Choose a relation"), *relation.choices[1:]]  # not "---------"


class LinkForm(Composed, FormSaysItOnce, forms.ModelForm):
    """A new link. Duplicates are refused, pointing to the link that already exists."""

    class Meta:
        model = Link
        fields = ["relation", "rationale", "example"]
        widgets = {
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "example": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"rationale": {"required": "Say why the one relates to the other."}}

    field_order = ["source", "target", "relation", "rationale", "example"]

    def __init__(self, *args, register: LiveRegister, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mapping = register.mapping
        words = register.words
        self.existing: Link | None = None
        self.choices = {side.value: register.elements(side) for side in Side}
        for side in Side:
            self.fields[side.value] = ElementCodeField(
                elements=self.choices[side], kind=words.one(side),
                label=words.one(side).capitalize(),
                error_messages={"required": f"Choose the {words.one(side)}."},
            )  # fmt: skip
        _in_their_words(self, words)
        self.order_fields(self.field_order)

    def clean(self) -> dict:
        data = super().clean()
        source, target = data.get("source"), data.get("target")
        if source and target:
            self.existing = (
                Link.objects.with_elements()
                .filter(mapping=self.mapping, source=source, target=target)
                .first()
            )
            if self.existing is not None:
                retired = self.existing.is_retired
                raise forms.ValidationError(
                    f"{source.code} is already linked to {target.code}"
                    + (" (retired): restore that link instead." if retired
                       else ": edit that link instead."),
                    code="duplicate",
                )  # fmt: skip
        return data

    def _post_clean(self) -> None:
        data = self.cleaned_data
        self.instance.mapping = self.mapping
        for side in Side:
            if isinstance(data.get(side.value), Element):
                setattr(self.instance, side.value, data[side.value])
        super()._post_clean()

    def validate_unique(self) -> None:
        pass  # clean() reports a duplicate pair, with a link to the existing one


class LinkEditForm(Composed, FormSaysItOnce, forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Link
        fields = ["relation", "rationale", "example"]
        widgets = LinkForm.Meta.widgets
        error_messages = LinkForm.Meta.error_messages

    def __init__(self, *args, words: Words | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # When the row turns into this form, htmx moves the keyboard focus into it.
        self.fields["relation"].widget.attrs["autofocus"] = True
        if words is not None:
            _in_their_words(self, words)

    def full_clean(self) -> None:
        """Refused, the form comes back with the focus on the first field it faults."""
        super().full_clean()
        faulted = [name for name in self.fields if name in self.errors]
        if faulted:
            del self.fields["relation"].widget.attrs["autofocus"]
            self.fields[faulted[0]].widget.attrs["autofocus"] = True


class RevertForm(forms.Form):
    """Undoing a change in the history: why, if the publisher says."""

    reason = TextField(required=False, max_length=500, error_messages={
        "max_length": "Keep the reason to 500 characters (it has %(show_value)d).",
    })  # fmt: skip


class RetireForm(forms.Form):
    """Retiring a link, an element or a framework: always with the reason."""

    reason = TextField(
        label="Why retire it?",
        widget=forms.Textarea(attrs={"rows": 2, "autofocus": True}),
        max_length=2000,
        error_messages={"required": "Say why it is being retired."},
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SeenForm(forms.Form):
    """The revision of a link as the person deciding on it (propose, approve, restore) saw
    it; without one, the decision is on the link as it is."""

    revision = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput,
        error_messages={key: "This page is out of date: reload it and decide again."
                        for key in ("invalid", "min_value", "max_value")},
    )  # fmt: skip


class ElementEditForm(SaysWhatIsMissing, Composed, forms.ModelForm):
    """An element's words, and whether they were checked against the publisher's."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Element
        fields = ["title", "description", "level_label", "source_check", "checked_on"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "checked_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {
            "title": {"required": "Give the element a title."},
            "level_label": {"required": "Say what level it is, such as “Behaviour”."},
            "source_check": {"required": "Say whether the wording was checked."},
            "checked_on": {"invalid": "Give the date as YYYY-MM-DD."},
        }
        help_texts = {"level_label": "What its framework calls this level, such as “Behaviour” "
                                     "(or “Ymddygiad”). To rename a level throughout, import the "
                                     "framework with the new names."}  # fmt: skip

    def clean(self) -> dict:
        data = super().clean()
        if data.get("source_check") == SourceCheck.CHECKED and not data.get("checked_on"):
            self.add_error("checked_on", "Say when the wording was checked.")
        if data.get("source_check") != SourceCheck.CHECKED:
            data["checked_on"] = None
        return data


class ElementCreateForm(SaysWhatIsMissing, Composed, forms.ModelForm):
    class Meta:
        model = Element
        fields = ["parent", "code", "title", "description", "level_label", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "code": {"required": "Give the element a code, such as B11 or INT.7."},
            "title": {"required": "Give the element a title."},
            "level_label": {"required": "Say what level it is, such as “Behaviour”."},
        }

    def __init__(self, *args, framework: Framework, under: str = "", **kwargs) -> None:
        """under: the code of the parent to offer, with its children's level and the next
        position filled in."""
        parent = framework.elements.current().filter(code=under).first() if under else None
        if parent is not None:
            kwargs["initial"] = {
                "parent": parent,
                "level_label": parent.children.values_list("level_label", flat=True).first() or "",
                "position": parent.children.count() + 1,
            }
        else:  # at the top: after the last top-level element, at its level
            tops = framework.elements.current().filter(parent=None)
            kwargs["initial"] = {
                "level_label": tops.values_list("level_label", flat=True).first() or "",
                "position": tops.count() + 1,
            }
        super().__init__(*args, **kwargs)
        self.instance.framework = framework
        parent_field = self.fields["parent"]
        parent_field.queryset = framework.elements.current().order_by("tree_rank", "code")
        parent_field.required = False
        parent_field.empty_label = "Nothing: a top-level element"
        parent_field.label_from_instance = lambda element: f"{element.code} {element.title}"
        position = self.fields["position"]
        position.help_text = "Its place among its siblings, from 1."
        position.min_value = 1
        position.validators = [  # Django's floor of 0 said in its own words: ours instead
            v for v in position.validators if not isinstance(v, MinValueValidator)
        ] + [MinValueValidator(1, "Give a position from 1.")]
        position.widget.attrs["min"] = 1

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        framework = self.instance.framework
        # Codes that differ only in case (rc1, RC1) would be told apart by nobody who reads.
        if same := framework.elements.filter(code__iexact=code).first():
            raise forms.ValidationError(f"{framework.name} already has an element {same.code}: "
                                        "give this one another code.")  # fmt: skip
        return code


# A framework's year, said in Weave's words alone (a positive number field of Django's
# would first say "greater than or equal to 0" of -5).
YEAR = forms.IntegerField(
    required=False, validators=year_validators,
    widget=forms.NumberInput(attrs={"min": YEAR_RANGE[0], "max": YEAR_RANGE[1]}),
)  # fmt: skip


class FrameworkForm(SaysWhatIsMissing, Composed, forms.ModelForm):
    source_url = forms.URLField(label="Source URL", required=False, assume_scheme="https")
    year = YEAR

    class Meta:
        model = Framework
        fields = [
            "name", "slug", "kind", "publisher", "version_label", "year", "source_url",
            "citation_note", "description",
        ]  # fmt: skip
        widgets = {
            "citation_note": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"slug": "A short name for its addresses: /frameworks/<slug>/. Left "
                              "blank, it is made from the name."}  # fmt: skip
        error_messages = {"slug": {"unique": "Another framework has that short name: choose "
                                             "another."}}  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False  # made from the name when left blank

    def clean(self) -> dict:
        data = super().clean()
        slug_from_name(self)
        return data


class FrameworkEditForm(SaysWhatIsMissing, LevelPlurals, Composed, forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    source_url = FrameworkForm.base_fields["source_url"]
    year = YEAR

    class Meta:
        model = Framework
        fields = [
            "name", "publisher", "version_label", "year", "source_url", "citation_note",
            "description", "replaces",
        ]  # fmt: skip
        widgets = FrameworkForm.Meta.widgets
        labels = {"replaces": "A new version of"}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # What it replaces changes that framework's page too: one of the same kind that this
        # person may change (or the one it already names).
        field = self.fields["replaces"]
        theirs = frameworks_they_may_change(user).filter(kind=self.instance.kind)
        already = Q(pk=self.instance.replaces_id) if self.instance.replaces_id else Q(pk__in=[])
        field.queryset = (Framework.objects.filter(Q(pk__in=theirs.values("pk")) | already)
                          .exclude(pk=self.instance.pk).order_by("name"))  # fmt: skip
        field.empty_label = "None"
        field.label_from_instance = Framework.choice_label.fget
        field.error_messages["invalid_choice"] = (
            "Choose one of the frameworks listed: a framework of the same kind that you may "
            "change (its page will say this one replaces it)."
        )


class EditionForm(forms.Form):
    title = TextField(
        max_length=200, error_messages={"required": "Give the edition a title."},
        help_text="What it is, in a few words: “Launch”, “After the 2027 review”. Its number "
        "is given with it (“Edition 2: …”).",
    )  # fmt: skip
    notes = TextField(
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What is new in this edition, for readers.",
    )

    def __init__(self, *args, number: int, **kwargs) -> None:
        """number: the edition's, given with its title."""
        super().__init__(*args, **kwargs)
        self.number = number
        title = self.fields["title"]
        title.help_text = title.help_text.replace("Edition 2", f"Edition {number}")

    def clean_title(self) -> str:
        """Its number is given with it: "Edition 2: Launch", typed for edition 2, is kept as
        "Launch" (not shown as "Edition 2: Edition 2: Launch"); any other title as typed."""
        title = self.cleaned_data["title"]
        own = re.match(rf"edition\s+{self.number}\s*(?:[:.,–—-]\s*|$)", title, flags=re.I)
        if own is None:
            return title
        if not title[own.end() :].strip():
            raise forms.ValidationError(
                f"Give edition {self.number} a title besides its number: “Launch”, say."
            )
        return title[own.end() :].strip()
