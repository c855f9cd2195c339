"""The forms that act on suggestions: accept one (its relation and reason, prefilled from
the inference when there is one), dismiss one with the reason, or many at once."""

from __future__ import annotations

from django import forms

from mapping.forms.text import TextField
from mapping.models import Relation
from mapping.suggesting.listing import KINDS

PAIR = r"^[A-Za-z0-9][A-Za-z0-9._-]*:[A-Za-z0-9][A-Za-z0-9._-]*$"
PAIR_ERRORS = {"invalid": "Name a suggestion by its two codes, as in B1:INT.4.",
               "required": "Choose a suggestion."}  # fmt: skip


class SuggestionForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(kind, kind) for kind in KINDS], widget=forms.HiddenInput,
        error_messages={"invalid_choice": "That is not a kind of suggestion.",
                        "required": PAIR_ERRORS["required"]},
    )  # fmt: skip
    pair = forms.RegexField(regex=PAIR, max_length=70, widget=forms.HiddenInput,
                            error_messages=PAIR_ERRORS)  # fmt: skip


class AcceptForm(SuggestionForm):
    relation = forms.ChoiceField(choices=Relation.choices)
    rationale = TextField(
        label="Why", max_length=10_000, widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say why the one relates to the other."},
    )  # fmt: skip
    example = TextField(label="In practice", required=False, max_length=10_000,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class DismissForm(SuggestionForm):
    reason = TextField(
        label="Why dismiss it?", max_length=2_000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why it is dismissed."},
    )  # fmt: skip


class BulkForm(forms.Form):
    """Many suggestions at once ("inferred:B1:INT.4" each), all accepted or all dismissed,
    with one reason (a reason for the links accepted, or for dismissing)."""

    chosen = forms.MultipleChoiceField(
        error_messages={"required": "Choose the suggestions to act on.",
                        "invalid_choice": "“%(value)s” is not among the suggestions: reload "
                        "the page to see them as they are now."},
    )  # fmt: skip
    action = forms.ChoiceField(choices=[("accept", "Accept"), ("dismiss", "Dismiss")])
    reason = TextField(
        label="Why (for every one chosen)", max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why, once for all of them."},
    )  # fmt: skip

    def __init__(self, data, *, offered: list[str]) -> None:
        super().__init__(data)
        self.fields["chosen"].choices = [(value, value) for value in offered]


class OfferAgainForm(forms.Form):
    """Which dismissal to undo (its id)."""

    dismissed = forms.IntegerField(
        min_value=1, max_value=2**62, widget=forms.HiddenInput,
        error_messages=dict.fromkeys(("required", "invalid", "min_value", "max_value"),
                                     "Choose a dismissed suggestion."),
    )  # fmt: skip
