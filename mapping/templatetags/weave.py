"""Weave's template filters, available in every template (settings: builtins)."""

import re
from difflib import SequenceMatcher

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from mapping.citing.citations import cite
from mapping.register.words import in_sentence, possessive

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


# How many words either side of a change a brief comparison keeps, and how short a text is
# shown whole.
AROUND = 6
WHOLE = 24


@register.filter
def changed_part(text, other) -> str:
    """Of a text and what it became (or was), the parts that differ, each with a few words
    either side, and "…" for what is left out between and around them: a long rationale
    with a word added at its end reads as its end, where cutting both to their first words
    would read the same."""
    if not isinstance(text, str) or not isinstance(other, str):
        return text
    words = text.split()
    if len(words) <= WHOLE:
        return text
    blocks = SequenceMatcher(None, words, other.split(), autojunk=False).get_opcodes()
    windows: list[list[int]] = []
    for tag, i1, i2, _j1, _j2 in blocks:
        if tag == "equal":
            continue
        start, end = max(i1 - AROUND, 0), min(i2 + AROUND, len(words))
        if windows and start <= windows[-1][1]:  # close to the one before: one window
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    if not windows:
        return " ".join(words[:WHOLE]) + " …"
    shown = " … ".join(" ".join(words[start:end]) for start, end in windows)
    before = "… " if windows[0][0] > 0 else ""
    return before + shown + (" …" if windows[-1][1] < len(words) else "")


@register.filter
def spacing_differs(text, other) -> str:
    """Of a text and what it becomes, what differs when only its spacing does, in words
    (the two look the same on the page): "" when more than spacing differs, or nothing."""
    if not isinstance(text, str) or not isinstance(other, str) or text == other:
        return ""
    if text.split() != other.split():
        return ""
    if text.count("\xa0") != other.count("\xa0"):
        return "non-breaking spaces differ"
    if text.count("\n") != other.count("\n"):
        return "line breaks differ"
    return "spaces differ"


@register.filter(name="plural")
def plural_of(word, framework) -> str:
    """A level's label, said of several, as its framework says it ("Ymddygiad" →
    "Ymddygiadau"), else by English's rule: "Category" → "Categories" (standards/levels.py).
    Always given the framework: {{ label|plural:element.framework }}."""
    return framework.plural_of(str(word)) if word else word


@register.filter
def lowered(word) -> str:
    """A level's label inside a sentence: "Standard statement" → "standard statement", but
    an acronym ("KSB") as it is (mapping/register/words.py's rule)."""
    return in_sentence(str(word)) if word else word


@register.filter(name="possessive")
def possessive_of(name) -> str:
    """A name owning something: "Our Values' latest edition", "the Standards' latest"."""
    return possessive(str(name)) if name else name


@register.filter
def address_in(path: str, addresses) -> str:
    """A page's address as a printed document gives it: absolute and permanent (addresses
    is the PDF's mapping.pdf.document.PageAddresses)."""
    return addresses.of(path)


@register.simple_tag(takes_context=True)
def coins(context, subject=None) -> str:
    """A COinS span (OpenURL ContextObject) for a link or element of the page's register, or
    the register itself: reference managers save each such span on a page as an item, with
    the same title, date and address as its citation."""
    request, register = context.get("request"), context.get("register")
    if request is None or not register:
        return ""
    citation = cite(register, subject, absolute=request.build_absolute_uri,
                    today=timezone.localdate())  # fmt: skip
    return format_html(
        '<span class="Z3988" title="{}" aria-hidden="true"></span>', citation.coins()
    )


@register.simple_tag(takes_context=True)
def this_page_in(context, number: int) -> str:
    """This page's address in another edition of its register, its query kept; "" where
    the page is not one of an edition's."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or "number" not in match.kwargs:
        return ""
    try:
        url = reverse(match.view_name, kwargs=match.kwargs | {"number": number})
    except NoReverseMatch:
        return ""
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


CODE_LIKE = re.compile(r"\b[A-Za-z]+\.?\d(?:[\w.]*\w)?")


@register.filter
def codes_whole(text) -> str:
    """Text with each code in it ("SKI.4", "B2.1") kept on one line on paper (the "nb"
    class): a narrow column would break "SKI." from "4"."""
    text, said, at = str(text), [], 0
    for found in CODE_LIKE.finditer(text):
        said.append(conditional_escape(text[at : found.start()]))
        said.append(format_html('<span class="nb">{}</span>', found.group(0)))
        at = found.end()
    said.append(conditional_escape(text[at:]))
    return mark_safe("".join(said))  # every part escaped above
