"""Weave's template filters, available in every template (settings: builtins)."""

from django import template

register = template.Library()

SENTENCE_ENDINGS = (".", "!", "?", "…", ".”", "!”", "?”", ".)", ".'", '."')


@register.filter
def sentence(text: str) -> str:
    """Text that someone typed as a reason, ending in exactly one full stop, so that a
    sentence can follow it: "No longer needed" and "No longer needed." both read right."""
    text = str(text).rstrip()
    if not text or text.endswith(SENTENCE_ENDINGS):
        return text
    return f"{text}."
