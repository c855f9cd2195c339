from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.contrib.auth import get_user_model

from mapping.models import Change, Edition, Link, LinkQuerySet, LinkSort, LinkStatus, Relation
from standards.models import Element, Framework, subtree_ids


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
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), *[c for c in LinkStatus.choices if c[0] != "retired"]],
        error_messages={"invalid_choice": "“%(value)s” is not a status a live link can have."},
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
        return [self[name] for name in ("behaviour", "standard", "relation", "status", "sort")]

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or LinkSort.BEHAVIOUR

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1

    def is_filtered(self) -> bool:
        return any(
            self.cleaned_data.get(name)
            for name in ("q", "behaviour", "standard", "relation", "status")
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
        if data["status"]:
            links = links.with_status(data["status"])
        if data["q"]:
            links = links.matching(data["q"])
        return links.sorted_by(data["sort"])

    def apply_to_list(self, links: list[Link]) -> list[Link]:
        """The same filters and order over links already in memory (an edition's).

        The elements must carry tree_index, as tree_order() leaves them.
        """
        data = self.cleaned_data
        if data["behaviour"]:
            ids = _subtree(self.behaviours, data["behaviour"])
            links = [link for link in links if link.behaviour_id in ids]
        if data["standard"]:
            ids = _subtree(self.standards, data["standard"])
            links = [link for link in links if link.standard_id in ids]
        if data["relation"]:
            links = [link for link in links if link.relation == data["relation"]]
        if data["status"]:
            links = [link for link in links if link.status == data["status"]]
        for word in data["q"].casefold().split():
            links = [link for link in links if word in _searchable(link)]
        sort = data["sort"]
        strength = {value: rank for rank, value in enumerate(Relation.values)}
        keys = {
            LinkSort.BEHAVIOUR: lambda x: (x.behaviour.tree_index, x.standard.tree_index, x.pk),
            LinkSort.STANDARD: lambda x: (x.standard.tree_index, x.behaviour.tree_index, x.pk),
            LinkSort.RELATION: lambda x: (
                strength[x.relation],
                x.behaviour.tree_index,
                x.standard.tree_index,
                x.pk,
            ),
            LinkSort.UPDATED: lambda x: (x.updated_at, x.pk),
        }
        return sorted(
            links, key=keys[LinkSort(sort.removeprefix("-"))], reverse=sort.startswith("-")
        )


def _searchable(link: Link) -> str:
    parts = [link.behaviour.code, link.behaviour.title, link.standard.code, link.standard.title]
    return " ".join([*parts, link.rationale, link.example]).casefold()


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


# Editing ---------------------------------------------------------------------------------


class ElementCodeField(forms.CharField):
    """A behaviour or standard chosen by typing its code (a datalist offers code and title)."""

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


class LinkForm(forms.ModelForm):
    """A new link. Duplicates are refused, pointing to the link that already exists."""

    class Meta:
        model = Link
        fields = ["relation", "rationale", "example"]
        widgets = {
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "example": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "rationale": {"required": "Say why the behaviour relates to the standard."}
        }

    field_order = ["behaviour", "standard", "relation", "rationale", "example"]

    def __init__(self, *args, mapping, behaviours, standards, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mapping = mapping
        self.existing: Link | None = None
        self.fields["behaviour"] = ElementCodeField(
            elements=behaviours, kind="behaviour", label="Behaviour",
            error_messages={"required": "Choose the behaviour."},
        )  # fmt: skip
        self.fields["standard"] = ElementCodeField(
            elements=standards, kind="standard", label="Standard",
            error_messages={"required": "Choose the standard."},
        )  # fmt: skip
        self.order_fields(self.field_order)
        self.behaviour_choices = behaviours
        self.standard_choices = standards

    def clean(self) -> dict:
        data = super().clean()
        behaviour, standard = data.get("behaviour"), data.get("standard")
        if behaviour and standard:
            self.existing = (
                Link.objects.with_elements()
                .filter(mapping=self.mapping, behaviour=behaviour, standard=standard)
                .first()
            )
            if self.existing is not None:
                state = " (retired)" if self.existing.is_retired else ""
                raise forms.ValidationError(
                    f"{behaviour.code} is already linked to {standard.code}{state}: edit "
                    "that link instead.",
                    code="duplicate",
                )
        return data

    def _post_clean(self) -> None:
        data = self.cleaned_data
        self.instance.mapping = self.mapping
        if isinstance(data.get("behaviour"), Element):
            self.instance.behaviour = data["behaviour"]
        if isinstance(data.get("standard"), Element):
            self.instance.standard = data["standard"]
        super()._post_clean()

    def validate_unique(self) -> None:
        pass  # clean() reports a duplicate pair, with a link to the existing one


class LinkEditForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Link
        fields = ["relation", "rationale", "example"]
        widgets = LinkForm.Meta.widgets
        error_messages = LinkForm.Meta.error_messages

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # When the row turns into this form, htmx moves the keyboard focus into it.
        self.fields["relation"].widget.attrs["autofocus"] = True


class RetireForm(forms.Form):
    """Retiring a link, an element or a framework: always with the reason."""

    reason = forms.CharField(
        label="Why retire it?",
        widget=forms.Textarea(attrs={"rows": 2, "autofocus": True}),
        max_length=2000,
        error_messages={"required": "Say why it is being retired."},
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ElementEditForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Element
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        error_messages = {"title": {"required": "Give the element a title."}}


class ElementCreateForm(forms.ModelForm):
    class Meta:
        model = Element
        fields = ["parent", "code", "title", "description", "level_label", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "code": {"required": "Give the element a code, such as B11 or INT.7."},
            "title": {"required": "Give the element a title."},
            "level_label": {"required": "Say what level it is, such as “Behaviour”."},
        }

    def __init__(self, *args, framework: Framework, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.framework = framework
        parent = self.fields["parent"]
        parent.queryset = framework.elements.current()
        parent.required = False
        parent.empty_label = "Nothing: a top-level element"
        parent.label_from_instance = lambda element: f"{element.code} {element.title}"
        self.fields["position"].help_text = "Its place among its siblings, from 1."

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        framework = self.instance.framework
        if framework.elements.filter(code=code).exists():
            raise forms.ValidationError(f"{framework.name} already has an element {code}.")
        return code


class FrameworkForm(forms.ModelForm):
    source_url = forms.URLField(label="Source URL", required=False, assume_scheme="https")

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


class FrameworkEditForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    source_url = FrameworkForm.base_fields["source_url"]

    class Meta:
        model = Framework
        fields = [
            "name", "publisher", "version_label", "year", "source_url", "citation_note",
            "description",
        ]  # fmt: skip
        widgets = FrameworkForm.Meta.widgets


class EditionForm(forms.Form):
    title = forms.CharField(
        max_length=200, error_messages={"required": "Give the edition a title."}
    )
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What is new in this edition, for readers.",
    )


class ChangeFilterForm(forms.Form):
    """/changes/'s query string."""

    subject = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[("", "Links, elements and frameworks"), *Change.Subject.choices],
        error_messages={"invalid_choice": "“%(value)s” is not a kind of thing Weave records."},
    )
    action = forms.ChoiceField(
        required=False,
        choices=[("", "Any action"), *Change.Action.choices],
        error_messages={"invalid_choice": "“%(value)s” is not a kind of change."},
    )
    who = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "“%(value)s” has not made any changes."},
    )
    since = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Give the date as YYYY-MM-DD."},
    )
    page = LinkFilterForm.base_fields["page"]

    def __init__(self, data) -> None:
        super().__init__(data)
        names = (
            get_user_model()
            .objects.filter(pk__in=Change.objects.order_by().values("user").distinct())
            .order_by("username")
            .values_list("username", flat=True)
        )
        self.fields["who"].choices = [("", "Anyone"), *((name, name) for name in names)]

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1

    def apply(self, changes):
        data = self.cleaned_data
        if data["subject"]:
            changes = changes.filter(subject_type=data["subject"])
        if data["action"]:
            changes = changes.filter(action=data["action"])
        if data["who"]:
            changes = changes.filter(user__username=data["who"])
        if data["since"]:
            changes = changes.filter(at__date__gte=data["since"])
        return changes


class CompareForm(forms.Form):
    old = forms.TypedChoiceField(
        label="From edition", coerce=int,
        error_messages={"invalid_choice": "There is no edition %(value)s."},
    )  # fmt: skip
    new = forms.TypedChoiceField(
        label="To edition", coerce=int,
        error_messages={"invalid_choice": "There is no edition %(value)s."},
    )  # fmt: skip

    def __init__(self, data, *, editions: Sequence[Edition]) -> None:
        super().__init__(data)
        choices = [(e.number, f"{e.number}: {e.title}") for e in editions]
        self.fields["old"].choices = self.fields["new"].choices = choices

    def clean(self) -> dict:
        data = super().clean()
        if data.get("old") is not None and data.get("old") == data.get("new"):
            raise forms.ValidationError("Choose two different editions.")
        return data
