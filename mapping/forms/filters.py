"""The query strings of the register's pages: every value is checked before it touches a
query, and a bad one is a 400 that names it."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.contrib.auth import get_user_model
from django.http import QueryDict

from mapping.citing.citations import FORMATS
from mapping.forms.query import AskedOnce
from mapping.models import Change, Edition, LinkSort, LinkStatus, Mapping, Relation, Side
from mapping.models.link_rows import SORT_ALIASES
from mapping.register import LinkFilter, Register


def _element_choices(elements: Sequence, everything: str) -> list[tuple[str, str]]:
    indent = "\u2003"  # an em space keeps the tree readable in a native <select>
    return [("", everything)] + [
        (element.code, f"{indent * element.depth}{element.code} {element.title}")
        for element in elements
    ]


class CodeField(forms.ChoiceField):
    """An element, by its code, in any case: "b2.1" is B2.1, as a search would have it."""

    def to_python(self, value) -> str:
        value = super().to_python(value)
        return {str(code).casefold(): str(code) for code, _ in self.choices}.get(
            value.casefold(), value)  # fmt: skip

    def bound_data(self, data, initial):
        return self.to_python(data) if isinstance(data, str) else data


# What the link table's query string once called its filters (and its sorts: SORT_ALIASES).
OLD_NAMES = {"behaviour": "source", "standard": "target"}


def _renamed(data):
    """A query string with the old names (behaviour=, standard=, sort=behaviour) in the new."""
    if data is None:
        return data
    old = [name for name in OLD_NAMES if name in data]
    if not old and data.get("sort", "") not in SORT_ALIASES:
        return data
    renamed = data.copy()
    for name in old:
        value = renamed.pop(name)
        if OLD_NAMES[name] in renamed:
            continue
        if isinstance(renamed, QueryDict):
            renamed.setlist(OLD_NAMES[name], value)
        else:
            renamed[OLD_NAMES[name]] = value
    if renamed.get("sort", "") in SORT_ALIASES:
        renamed["sort"] = SORT_ALIASES[renamed["sort"]]
    return renamed


PAGE = forms.IntegerField(
    required=False,
    min_value=1,
    max_value=1_000_000,
    widget=forms.HiddenInput,
    error_messages={
        "invalid": "The page must be a whole number.",
        "min_value": "Pages start at 1.",
        "max_value": "There are not that many pages: go back to the first page.",
    },
)


class PageForm(AskedOnce):
    """A list's page number, and nothing else."""

    page = PAGE


class LinkFilterForm(AskedOnce):
    """The link table's query string, for any register (a live one also filters by status).
    It names the two ends of a link source and target; behaviour and standard, their names
    when every register was behaviours → standards, still work (for one release)."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        error_messages={"max_length": "Keep the search under %(limit_value)d characters."},
    )
    source = CodeField(required=False)
    target = CodeField(required=False)
    relation = forms.ChoiceField(
        required=False,
        choices=[("", "Any relation"), *Relation.choices],
        error_messages={"invalid_choice": "“%(value)s” is not a relation Weave knows."},
    )
    status = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "“%(value)s” is not a status a live link can have."},
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=LinkSort.choices,
        error_messages={"invalid_choice": "“%(value)s” is not a way to sort the table."},
    )
    page = PAGE
    # Where a page starts or ends in a table too large to number: mapping/paging.py.
    after = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    before = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, data, *, register: Register) -> None:
        # An old name beside its new one (?behaviour=B1&source=B2): which was meant?
        self.named_twice = [(old, new) for old, new in OLD_NAMES.items()
                            if data is not None and old in data and new in data]  # fmt: skip
        super().__init__(_renamed(data))
        words = register.words
        for side in Side:
            field = self.fields[side.value]
            field.label = words.one(side).capitalize()
            field.error_messages["invalid_choice"] = (
                f"“%(value)s” is not a {words.one(side)} in this register."
            )
            # Built once per version of the register: a large framework has hundreds.
            field.choices = register.kept(f"{side} choices", lambda side=side: (
                _element_choices(register.elements(side), f"All {words.many(side)}")
            ))  # fmt: skip
        self.fields["sort"].choices = [
            (value, label.replace("Source", words.source.capitalize())
             .replace("Target", words.target.capitalize()))
            for value, label in LinkSort.choices
        ]  # fmt: skip
        if register.statuses:
            labels = dict(LinkStatus.choices)
            self.fields["status"].choices = [("", "Any status")] + [
                (status, labels[status]) for status in register.statuses
            ]
        else:
            # An edition holds approved links only.
            del self.fields["status"]

    def choice_fields(self) -> list[forms.BoundField]:
        names = ("source", "target", "relation", "status", "sort")
        return [self[name] for name in names if name in self.fields]

    def clean(self) -> dict:
        data = super().clean()
        for old, new in self.named_twice:
            self.add_error(new, f"“{new}” and “{old}” (its old name) are both in the address: "
                           "give one of them.")  # fmt: skip
        return data

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or LinkSort.SOURCE

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1

    def is_filtered(self) -> bool:
        return self.chosen().is_filtered

    def described(self) -> list[tuple[str, str]]:
        """Each filter chosen, as (its label, what was chosen): what a printed table says
        it holds, where the form itself is not printed."""
        found = [("Search", f"“{self.cleaned_data['q']}”")] if self.cleaned_data["q"] else []
        for field in self.choice_fields():
            if field.name != "sort" and (value := self.cleaned_data.get(field.name)):
                label = dict(field.field.choices).get(value, value)
                found.append((field.label, str(label).strip("\u2003 ")))
        return found

    def chosen(self) -> LinkFilter:
        data = self.cleaned_data
        return LinkFilter(
            source=data["source"],
            target=data["target"],
            relation=data["relation"],
            status=data.get("status", ""),
            text=data["q"],
            sort=data["sort"],
        )


class MatrixForm(AskedOnce):
    """The matrix's query string: which rows and columns are open, which cell is chosen."""

    expand = forms.CharField(label="Rows and columns opened", required=False, max_length=2000)
    cell = forms.CharField(label="Cell chosen", required=False, max_length=100)

    def __init__(self, data, *, source_codes: set[str], target_codes: set[str], words) -> None:
        super().__init__(data)
        self.source_codes = source_codes
        self.target_codes = target_codes
        self.words = words

    def clean_expand(self) -> set[str]:
        codes = {code.strip() for code in self.cleaned_data["expand"].split(",") if code.strip()}
        unknown = sorted(codes - self.source_codes - self.target_codes)
        if unknown:
            raise forms.ValidationError(f"“{', '.join(unknown)}” is not in this register.")
        return codes

    def clean_cell(self) -> tuple[str, str] | None:
        value = self.cleaned_data["cell"]
        if not value:
            return None
        row, _, column = value.partition(":")
        if row not in self.source_codes or column not in self.target_codes:
            raise forms.ValidationError(
                f"“{value}” is not a cell: give a {self.words.source} code, a colon and a "
                f"{self.words.target} code."
            )
        return row, column


class ChangeFilterForm(AskedOnce):
    """/changes/'s query string."""

    register = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "“%(value)s” is not a register here."},
    )
    subject = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[("", "Any kind"), *Change.Subject.choices],
        error_messages={"invalid_choice": "“%(value)s” is not a kind of thing Weave records."},
    )
    action = forms.ChoiceField(
        required=False,
        choices=[("", "Any action"), *Change.Action.choices],
        error_messages={"invalid_choice": "“%(value)s” is not a kind of change."},
    )
    who = forms.ChoiceField(
        label="Who",
        required=False,
        error_messages={"invalid_choice": "“%(value)s” has not made any changes."},
    )
    since = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Give the date as YYYY-MM-DD."},
    )
    after = forms.IntegerField(
        label="After edition",
        required=False,
        min_value=1,
        help_text="Changes made after that edition of the register was published.",
        error_messages={
            "invalid": "Give the edition's number.",
            "min_value": "Editions start at 1.",
        },
    )
    page = PAGE

    def __init__(self, data) -> None:
        super().__init__(data)
        names = (
            get_user_model()
            .objects.filter(pk__in=Change.objects.order_by().values("user").distinct())
            .order_by("username")
            .values_list("username", flat=True)
        )
        self.fields["who"].choices = [("", "Anyone"), *((name, name) for name in names)]
        self.mappings = {m.slug: m for m in Mapping.objects.order_by("name")}
        self.fields["register"].choices = [
            ("", "Every register"),
            *((slug, mapping.name) for slug, mapping in self.mappings.items()),
        ]

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1

    def clean(self) -> dict:
        data = super().clean()
        number = data.get("after")
        if number is None:
            return data
        mapping = self.mappings.get(data.get("register") or "")
        if mapping is None:
            self.add_error("after", "Choose the register whose edition you mean.")
            return data
        data["edition"] = mapping.editions.filter(number=number).first()
        if data["edition"] is None:
            self.add_error("after", f"{mapping.name} has no edition {number}.")
        return data

    def is_filtered(self) -> bool:
        names = ("register", "subject", "action", "who", "since", "after")
        return any(self.cleaned_data.get(name) for name in names)

    def apply(self, changes):
        data = self.cleaned_data
        if data["register"]:
            mapping = self.mappings[data["register"]]
            changes = changes.of_register(
                mapping.pk, mapping.source_framework_id, mapping.target_framework_id
            )
        if data["subject"]:
            changes = changes.filter(subject_type=data["subject"])
        if data["action"]:
            changes = changes.filter(action=data["action"])
        if data["who"]:
            changes = changes.filter(user__username=data["who"])
        if data["since"]:
            changes = changes.filter(at__date__gte=data["since"])
        if data.get("edition"):
            changes = changes.since(data["edition"].published_at)
        return changes


class PdfStatusForm(AskedOnce):
    """?waited=1 on the PDF's status: asked again while a new PDF was being prepared (the
    line then says when it is ready). Anything else reads as a first ask."""

    waited = forms.ChoiceField(required=False, choices=[("", "A first ask"), ("1", "Again")])

    @property
    def waited_for_it(self) -> bool:
        return self.is_valid() and self.cleaned_data["waited"] == "1"


class CoverageForm(AskedOnce):
    """?count= on the coverage page and its CSV: every link not retired (the default), or
    approved links alone, as an edition counts them."""

    count = forms.ChoiceField(
        required=False,
        choices=[("", "Every link not retired"), ("approved", "Approved links alone")],
        error_messages={"invalid_choice": "“%(value)s” is not something to count: leave "
                                          "count out, or give count=approved."},
    )  # fmt: skip

    @property
    def approved_only(self) -> bool:
        return self.is_valid() and self.cleaned_data["count"] == "approved"


class CompareForm(AskedOnce):
    old = forms.TypedChoiceField(
        label="From edition", coerce=int,
        error_messages={"invalid_choice": "There is no edition %(value)s.",
                        "required": "Choose the edition to compare from."},
    )  # fmt: skip
    new = forms.TypedChoiceField(
        label="To edition", coerce=int,
        error_messages={"invalid_choice": "There is no edition %(value)s.",
                        "required": "Choose the edition to compare to."},
    )  # fmt: skip
    page = PAGE  # of the links that differ

    def __init__(self, data, *, editions: Sequence[Edition]) -> None:
        super().__init__(data)
        choices = [(e.number, f"{e.number}: {e.title}") for e in editions]
        self.fields["old"].choices = self.fields["new"].choices = choices

    def clean(self) -> dict:
        data = super().clean()
        if data.get("old") is not None and data.get("old") == data.get("new"):
            raise forms.ValidationError("Choose two different editions.")
        return data


class CitationFormatForm(AskedOnce):
    """?format= on a citable page: the citation itself instead of the page."""

    format = forms.ChoiceField(
        choices=[(name, spec.label) for name, spec in FORMATS.items()],
        error_messages={
            "invalid_choice": "“%(value)s” is not a citation format: choose "
            + ", ".join(FORMATS)
            + "."
        },
    )
    download = forms.BooleanField(required=False)
