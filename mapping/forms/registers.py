"""The forms that make a register: an empty one from any framework onto any other, or one
started from a register and a crosswalk that meet (its suggestions inferred)."""

from __future__ import annotations

from django import forms

from mapping.forms.text import Composed, SaysWhatIsMissing, TextField, slug_from_name
from mapping.models import Mapping
from mapping.models.mappings import NAME_TAKEN
from standards.models import Framework


def name_of_its_own(name: str, pk: int | None = None) -> str:
    """A register's name, refused where another register has it: two of one name would be
    two identical choices wherever a register is chosen (a role, the review queue)."""
    name = name.strip()
    if Mapping.objects.filter(name__iexact=name).exclude(pk=pk).exists():
        raise forms.ValidationError(NAME_TAKEN)  # the register's own rule, said at once
    return name


class MappingForm(SaysWhatIsMissing, Composed, forms.ModelForm):
    """A new register: one framework (the source: a behaviours framework, say) mapped onto
    another (the target: a standards framework, or another set of standards)."""

    licence_url = forms.URLField(
        label="Licence",
        required=False,
        assume_scheme="https",
        initial=Mapping._meta.get_field("licence_url").default,
        help_text=Mapping._meta.get_field("licence_url").help_text,
    )

    class Meta:
        model = Mapping
        fields = [
            "name", "slug", "organisation", "description", "source_framework",
            "target_framework", "licence_url",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"slug": "A short name for its addresses: /m/<slug>/. Left blank, it is "
                              "made from the name."}  # fmt: skip
        # Said as the rest of Weave says it, not in Django's words ("Mapping with this Slug").
        error_messages = {
            "name": {"required": "Give the register a name."},
            "slug": {"required": "Give it a short name for its addresses.",
                     "unique": "Another register has that short name: choose another."},
            "organisation": {"required": "Say which organisation publishes it."},
            "source_framework": {"required": "Choose the framework to map from."},
            "target_framework": {"required": "Choose the framework to map onto."},
        }  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False  # made from the name when left blank
        current = Framework.objects.filter(retired=False).order_by("kind", "name")
        for name, label in (("source_framework", "Map from"), ("target_framework", "Onto")):
            field = self.fields[name]
            field.queryset = current
            field.label = label
            field.label_from_instance = Framework.choice_label.fget
        self.fields[
            "source_framework"
        ].help_text = "The framework the links start from: your behaviours, say."
        self.fields["target_framework"].help_text = (
            "The framework they are mapped onto: a set of professional standards, say, or "
            "another set of standards for a crosswalk."
        )

    def clean_name(self) -> str:
        return name_of_its_own(self.cleaned_data["name"], self.instance.pk)

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug == "new":
            raise forms.ValidationError("“new” is kept for this page: choose another.")
        return slug

    def clean(self) -> dict:
        data = super().clean()
        slug_from_name(self)
        return data


class RegisterDetailsForm(SaysWhatIsMissing, Composed, forms.ModelForm):
    """What a register says of itself: its name, who publishes it, what it is, its licence
    and the introduction that opens its guide. Its short name (its addresses, which
    citations hold) and its two frameworks stay as they were made."""

    licence_url = MappingForm.base_fields["licence_url"]

    class Meta:
        model = Mapping
        fields = ["name", "organisation", "description", "licence_url", "guide_intro"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}),
                   "guide_intro": forms.Textarea(attrs={"rows": 12})}  # fmt: skip
        error_messages = {
            "name": MappingForm.Meta.error_messages["name"],
            "organisation": MappingForm.Meta.error_messages["organisation"],
        }

    def clean_name(self) -> str:
        return name_of_its_own(self.cleaned_data["name"], self.instance.pk)


class StartFromForm(forms.Form):
    """A new register S → B started from what is already mapped: a register S → A and a
    crosswalk A → B, whose links give the new register its inferred suggestions."""

    route = forms.ChoiceField(
        label="Start from",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what to start from.",
            "invalid_choice": "That is not a register and a crosswalk that meet: choose one "
            "of those listed.",
        },
    )
    name = TextField(max_length=200, label="Name of the new register")
    slug = forms.SlugField(max_length=80, required=False,
                           help_text=MappingForm.Meta.help_texts["slug"])  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.routes = {
            f"{base.slug}+{crosswalk.slug}": (base, crosswalk)
            for base, crosswalk in Mapping.objects.routes()
        }
        pairs = {}  # (source, target) framework ids → the registers already mapping them
        for mapping in Mapping.objects.order_by("name"):
            key = (mapping.source_framework_id, mapping.target_framework_id)
            pairs.setdefault(key, []).append(f"“{mapping.name}”")
        self.fields["route"].choices = [
            (value, f"{base.source_framework.name} → {base.target_framework.name} → "
                    f"{crosswalk.target_framework.name} (from “{base.name}” and the "
                    f"crosswalk “{crosswalk.name}”)" + _already(
                        pairs.get((base.source_framework_id, crosswalk.target_framework_id))))
            for value, (base, crosswalk) in self.routes.items()
        ]  # fmt: skip
        if len(self.routes) == 1:  # the only way to start: chosen already
            self.fields["route"].initial = next(iter(self.routes))

    def clean_name(self) -> str:
        return name_of_its_own(self.cleaned_data["name"])

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug == "new":
            raise forms.ValidationError("“new” is kept for this page: choose another.")
        if Mapping.objects.filter(slug=slug).exists():
            raise forms.ValidationError("A register already has that short name: choose another.")
        return slug

    def clean(self) -> dict:
        data = super().clean()
        slug_from_name(self, Mapping)
        return data

    def save(self) -> Mapping:
        base, crosswalk = self.routes[self.cleaned_data["route"]]
        return Mapping.objects.start_from(base, crosswalk, name=self.cleaned_data["name"],
                                          slug=self.cleaned_data["slug"])  # fmt: skip


def _already(names: list[str] | None) -> str:
    """What a route's label says when a register already maps the same two frameworks."""
    if not names:
        return ""
    return f"; already mapped in {', '.join(names)}: start another only to try a new approach"
