"""Free text people type into the forms that are not a model's own (a reason, an edition's
title, a suggestion's rationale, a name): it may hold what a model's text may
(standards/text.py), so a pasted vertical tab is the field's own message, not a refusal
further in; and a model's refusal shown on a form that names its fields differently."""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError

from standards.text import refuse_unprintable


def composed(text: str) -> str:
    """Text in one Unicode form (NFC): "dŵr" pasted as a "w" and a separate circumflex, as
    some PDFs and Macs give it, is kept as the one letter people type, so that searching
    for what they typed finds it."""
    return unicodedata.normalize("NFC", text)


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
