"""What every form read from a page's query string shares: each parameter given once."""

from __future__ import annotations

from django import forms


class AskedOnce(forms.Form):
    """A query string's form: a parameter given more than once (?page=1&page=2) is an error
    that names it, as the API's are, rather than one of its values taken silently."""

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or not hasattr(self.data, "getlist"):
            return
        for name, field in self.fields.items():
            if isinstance(field, forms.MultipleChoiceField):
                continue
            given = len(self.data.getlist(self.add_prefix(name)))
            if given > 1:
                self.add_error(name, f"“{name}” is given {given} times in the address: give "
                               "it once.")  # fmt: skip
