"""A framework's level names in the plural, on its edit form: one box for each level name its
elements use ("Plural of “Ymddygiad”"), left blank for English's -s. What the boxes say is
kept as Framework.level_plurals (standards/levels.py), with what it says of levels no
element uses now."""

from __future__ import annotations

from mapping.forms.text import TextField
from standards.levels import english_plural, key, spaced
from standards.models import Element, Framework

PREFIX = "plural_"


def level_names(framework: Framework) -> list[str]:
    """The level names its current elements use, in tree order, each once in any case."""
    labels = (Element.objects.current().filter(framework=framework).order_by("tree_rank", "pk")
              .values_list("level_label", flat=True))  # fmt: skip
    names: dict[str, str] = {}
    for label in labels:
        names.setdefault(key(label), spaced(label))
    return list(names.values())


class LevelPlurals:
    """A framework's ModelForm whose plurals are asked one level name at a time, and saved
    with its fields (saved_fields, which save_edit writes)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        said = {key(name): plural for name, plural in (self.instance.level_plurals or {}).items()}
        self.levels = level_names(self.instance) if self.instance.pk else []
        for number, label in enumerate(self.levels):
            self.fields[f"{PREFIX}{number}"] = TextField(
                label=f"Plural of “{label}”", required=False, max_length=60,
                initial=said.get(key(label), ""),
                help_text=f"Left blank: “{english_plural(label)}”, adding an s as English does.",
            )  # fmt: skip

    @property
    def plural_fields(self) -> list:
        return [self[f"{PREFIX}{number}"] for number in range(len(self.levels))]

    @property
    def saved_fields(self) -> list[str]:
        return [*self._meta.fields, "level_plurals"]

    @property
    def other_fields(self) -> list:
        return [field for field in self.visible_fields() if not field.name.startswith(PREFIX)]

    def clean(self) -> dict:
        data = super().clean()
        # What it says of levels no element uses now (a restored file's, say) is kept.
        asked = {key(label) for label in self.levels}
        plurals = {name: plural for name, plural in (self.instance.level_plurals or {}).items()
                   if key(name) not in asked}  # fmt: skip
        for number, label in enumerate(self.levels):
            plural = spaced(data.pop(f"{PREFIX}{number}", ""))
            if plural and plural != english_plural(label):
                plurals[label] = plural
        data["level_plurals"] = plurals
        return data
