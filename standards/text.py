"""What text people give Weave may hold: anything printable, tabs and line breaks, but no
control characters (a vertical tab pasted from a word processor, a form feed) and no
right-to-left overrides or embeddings. Those print as empty boxes in the PDF, cannot be
written to a spreadsheet or a Word file at all, and an override turns the text around it
backwards (a history line's "by whom, when"). Every form, import and the admin refuse
them (the model fields' validators and the import schemas); what an older install already
holds is left out where it is written to a file (printable())."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; the bidi
# embeddings, overrides and isolates (the marks U+200E and U+200F are kept: they are how
# right-to-left text is written correctly).
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
NAMES = {"\x0b": "vertical tab", "\x0c": "form feed", "\x00": "NUL character"}


def unprintable(text: str) -> str | None:
    """What is wrong with text, or None: the first character it may not hold, named."""
    found = UNPRINTABLE.search(text)
    if found is None:
        return None
    char = found.group()
    code = f"U+{ord(char):04X}"
    if "\u202a" <= char <= "\u2069":
        name = unicodedata.name(char).lower()
        return (f"It holds an invisible {name} ({code}), which changes the direction of the text "
                "around it: delete it (right-to-left text needs no such character).")  # fmt: skip
    name = NAMES.get(char, "control character")
    return (
        f"It holds an invisible {name} ({code}), which cannot be printed or exported: "
        "delete it (text pasted from a word processor often brings one)."
    )


def refuse_unprintable(value: str) -> None:
    """The model fields' validator (so every form and the admin say so)."""
    problem = unprintable(value) if isinstance(value, str) else None
    if problem:
        raise ValidationError(problem, code="unprintable")


def printable(text: str) -> str:
    """text without the characters it may not hold: for writing what an older install
    already holds to a spreadsheet, a Word file or a PDF."""
    return UNPRINTABLE.sub("", text)
