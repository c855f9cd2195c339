from __future__ import annotations

from collections.abc import Sequence

from django import forms

from mapping.models import LinkQuerySet, LinkSort, Relation
from standards.models import Element, subtree_ids


def _element_choices(elements: Sequence[Element], everything: str) -> list[tuple[str, str]]:
    indent = "\u2003"  # an em space keeps the tree readable in a native <select>
    return [("", everything)] + [
        (element.code, f"{indent * element.depth}{element.code} {element.title}")
        for element in elements
    ]


class LinkFilterForm(forms.Form):
    """The link table's query string: every value is checked before it touches a query."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        error_messages={"max_length": "Keep the search under %(limit_value)d characters."},
    )
    behaviour = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "“%(value)s” is not a behaviour in this register."},
    )
    standard = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "“%(value)s” is not a standard in this register."},
    )
    relation = forms.ChoiceField(
        required=False,
        choices=[("", "Any relation"), *Relation.choices],
        error_messages={"invalid_choice": "“%(value)s” is not a relation Weave knows."},
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=LinkSort.choices,
        error_messages={"invalid_choice": "“%(value)s” is not a way to sort the table."},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "The page must be a whole number.",
            "min_value": "Pages start at 1.",
        },
    )

    def __init__(
        self,
        data,
        *,
        behaviours: Sequence[Element],
        standards: Sequence[Element],
    ) -> None:
        super().__init__(data)
        self.behaviours = behaviours
        self.standards = standards
        self.fields["behaviour"].choices = _element_choices(behaviours, "All behaviours")
        self.fields["standard"].choices = _element_choices(standards, "All standards")

    def choice_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("behaviour", "standard", "relation", "sort")]

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or LinkSort.BEHAVIOUR

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1

    def is_filtered(self) -> bool:
        return any(
            self.cleaned_data.get(name) for name in ("q", "behaviour", "standard", "relation")
        )

    def apply(self, links: LinkQuerySet) -> LinkQuerySet:
        """The links the cleaned filters select, in the chosen order."""
        data = self.cleaned_data
        if data["behaviour"]:
            links = links.touching_behaviours(_subtree(self.behaviours, data["behaviour"]))
        if data["standard"]:
            links = links.touching_standards(_subtree(self.standards, data["standard"]))
        if data["relation"]:
            links = links.with_relation(data["relation"])
        if data["q"]:
            links = links.matching(data["q"])
        return links.sorted_by(data["sort"])


def _subtree(elements: Sequence[Element], code: str) -> set[int]:
    root = next(element for element in elements if element.code == code)
    return subtree_ids(((e.pk, e.parent_id) for e in elements), root.pk)


class MatrixForm(forms.Form):
    """The matrix's query string: which rows and columns are open, which cell is chosen."""

    expand = forms.CharField(required=False, max_length=2000)
    cell = forms.CharField(required=False, max_length=100)

    def __init__(self, data, *, behaviour_codes: set[str], standard_codes: set[str]) -> None:
        super().__init__(data)
        self.behaviour_codes = behaviour_codes
        self.standard_codes = standard_codes

    def clean_expand(self) -> set[str]:
        codes = {code.strip() for code in self.cleaned_data["expand"].split(",") if code.strip()}
        unknown = sorted(codes - self.behaviour_codes - self.standard_codes)
        if unknown:
            raise forms.ValidationError(f"“{', '.join(unknown)}” is not in this register.")
        return codes

    def clean_cell(self) -> tuple[str, str] | None:
        value = self.cleaned_data["cell"]
        if not value:
            return None
        row, _, column = value.partition(":")
        if row not in self.behaviour_codes or column not in self.standard_codes:
            raise forms.ValidationError(
                f"“{value}” is not a cell: give a behaviour code, a colon and a standard code."
            )
        return row, column
