"""Free text people type into the forms that are not a model's own (a reason, an edition's
title, a suggestion's rationale, a name): it may hold what a model's text may
(standards/text.py), so a pasted vertical tab is the field's own message, not a refusal
further in; and a model's refusal shown on a form that names its fields differently."""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from standards.text import refuse_unprintable


def composed(text: str) -> str:
    """Text in one Unicode form (NFC): "dŵr" pasted as a "w" and a separate circumflex, as
    some PDFs and Macs give it, is kept as the one letter people type, so that searching
    for what they typed finds it."""
    return unicodedata.normalize("NFC", text)


REQUIRED = forms.Field.default_error_messages["required"]
# Labels that bring their own word before them: "Its short name", "New framework's name".
OWN_ARTICLE = ("its ", "their ", "your ", "the ", "a ", "an ")


class SaysWhatIsMissing:
    """A form whose fields say what is missing by name ("Give the name.", "Choose the
    kind.", "Choose the file to import.") instead of Django's "This field is required."."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.error_messages.get("required") == REQUIRED and field.label:
                field.error_messages["required"] = missing(field)


def missing(field: forms.Field) -> str:
    label = str(field.label).strip().rstrip(":")
    if len(label) < 2 or not label[1].isupper():  # "KSB" stays as it is
        label = label[:1].lower() + label[1:]
    said = label if label.startswith(OWN_ARTICLE) else f"the {label}"
    choose = isinstance(field, forms.ChoiceField | forms.FileField)
    return f"{'Choose' if choose else 'Give'} {said}."


class TextField(forms.CharField):
    default_validators = [refuse_unprintable]

    def to_python(self, value) -> str:
        return composed(super().to_python(value))


class Composed:
    """A form (a ModelForm, say) whose text is kept composed (composed()), whatever field
    it came through."""

    def clean(self) -> dict:
        data = super().clean()
        for name, value in data.items():
            if isinstance(value, str):
                data[name] = composed(value)
        return data


def add_refusal(form: forms.Form, error: ValidationError) -> None:
    """A model's ValidationError on form: each message under the form's field of that
    name, and what the form has no field for ("retired_reason") above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        where = name if name in form.fields else None
        form.add_error(where, [message for e in errors for message in e.messages])


SLUG_LETTERS = "letters a to z, digits and hyphens (no spaces or accents)"
TAKEN = "That short name is taken: choose another."


def slug_from_name(form: forms.Form, model=None) -> None:
    """From a form's clean(): a short name for addresses left blank is made from the name
    ("Safonau Proffesiynol - Cymru": safonau-proffesiynol-cymru, or -2, -3 when taken); one
    that cannot be an address says which letters it may hold, and what would do."""
    model = model or form._meta.model
    suggested = _free_slug(form, slugify(form.cleaned_data.get("name") or ""), model)
    if "slug" in form.errors:  # Django's "Enter a valid “slug”…" said in Weave's words
        would_do = f" “{suggested}” would do." if suggested else ""
        errors = form.errors.as_data()["slug"]
        said = [f"Use only {SLUG_LETTERS}.{would_do}" if error.code == "invalid" else message
                for error in errors for message in error.messages]  # fmt: skip
        form.errors["slug"] = form.error_class(list(dict.fromkeys(said)))
    elif typed := form.cleaned_data.get("slug"):
        _tidy(form, typed, suggested, model)
    elif form.cleaned_data.get("name"):
        if suggested:
            form.cleaned_data["slug"] = suggested
        else:  # a name of other letters alone (Arabic, say): nothing to make it from
            form.add_error("slug", f"Give it a short name for its addresses: {SLUG_LETTERS}.")


def _tidy(form: forms.Form, typed: str, suggested: str, model) -> None:
    """A short name typed is kept in small letters, without a hyphen at either end, and is
    another's when it differs from theirs by capitals alone (/m/ABC/ beside /m/abc/)."""
    tidy = typed.lower().strip("-_")
    would_do = f" “{suggested}” would do." if suggested else ""
    if not tidy:
        form.add_error("slug", f"Use only {SLUG_LETTERS}.{would_do}")
        return
    instance = getattr(form, "instance", None)
    others = model.objects.filter(slug__iexact=tidy)
    if (others.exclude(pk=instance.pk) if instance else others).exists():
        taken = form.fields["slug"].error_messages.get("unique", TAKEN)
        form.add_error("slug", f"{taken}{would_do}")
        return
    form.cleaned_data["slug"] = tidy
    if tidy != typed and hasattr(form, "clean_slug"):
        try:
            form.cleaned_data["slug"] = form.clean_slug()
        except ValidationError as error:
            form.add_error("slug", error)


def _free_slug(form: forms.Form, base: str, model) -> str:
    """base, or base-2, base-3, …: the first short name the form would take (allowed, and
    no other row of model's); "" if there is none."""
    most = form.fields["slug"].max_length
    instance = getattr(form, "instance", None)
    for number in range(1, 100):
        end = "" if number == 1 else f"-{number}"
        candidate = base[: most - len(end)].strip("-") + end
        if not candidate.strip("-"):
            return ""
        try:
            model._meta.get_field("slug").run_validators(candidate)
            if hasattr(form, "clean_slug"):
                kept, form.cleaned_data["slug"] = form.cleaned_data.get("slug"), candidate
                try:
                    form.clean_slug()
                finally:
                    form.cleaned_data["slug"] = kept
        except ValidationError:
            continue
        others = model.objects.filter(slug=candidate)
        if not (others.exclude(pk=instance.pk) if instance else others).exists():
            return candidate
    return ""
