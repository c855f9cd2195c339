"""Free text people type into the forms that are not a model's own (a reason, an edition's
title, a suggestion's rationale, a name): it may hold what a model's text may
(standards/text.py), so a pasted vertical tab is the field's own message, not a refusal
further in; and a model's refusal shown on a form that names its fields differently."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from standards.text import refuse_unprintable


class TextField(forms.CharField):
    default_validators = [refuse_unprintable]


def add_refusal(form: forms.Form, error: ValidationError) -> None:
    """A model's ValidationError on form: each message under the form's field of that
    name, and what the form has no field for ("retired_reason") above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        where = name if name in form.fields else None
        form.add_error(where, [message for e in errors for message in e.messages])
