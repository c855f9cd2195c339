"""What every citable page shares: its "Cite this" panel, its <meta> tags, and the
citation itself in any format at ?format= (with &download=1 to save it as a file)."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe

from mapping.citing.citations import FORMATS, Citation, cite
from mapping.forms.filters import CitationFormatForm
from mapping.register import Register
from mapping.views.lookups import HtmxHttpRequest
from standards.models import FrameworkKind

UNCHECKED = (
    "Paraphrase, not checked against the source: cite the publisher's text when you quote "
    "the standard."
)
NOT_PUBLISHED = (
    "Not part of the published standards: it is kept here only because links were made "
    "to it. Do not cite it as a standard."
)


def citation_of(request: HtmxHttpRequest, register: Register, subject=None) -> Citation:
    return cite(register, subject, absolute=request.build_absolute_uri, today=timezone.localdate())


def formatted(request: HtmxHttpRequest, citation: Citation) -> HttpResponse | None:
    """The citation in the format ?format= asks for, or None when it asks for none."""
    if "format" not in request.GET:
        return None
    form = CitationFormatForm(request.GET)
    if not form.is_valid():
        message = " ".join(error for errors in form.errors.values() for error in errors)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    name = form.cleaned_data["format"]
    spec = FORMATS[name]
    response = HttpResponse(citation.text(name), content_type=f"{spec.media_type}; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=form.cleaned_data["download"],
        # The styles written as plain text say which they are: two downloads, two names.
        filename=f"{citation.cited.key}{'-' + name if spec.extension == 'txt' else ''}"
        f".{spec.extension}",
    )
    return response


def panel(citation: Citation, *, elements=(), entry: dict | None = None,
          unapproved: str = "", publisher=None) -> dict:  # fmt: skip
    """What the "Cite this" panel shows. elements: the page's own element, or a link's two:
    an element of a standards framework may carry a caution about its wording. entry: what
    "Add to my list" adds (kind, and link_id or side and code); the register by default.
    unapproved: a live link's status when it is not approved ("Proposed"). publisher: a
    standards framework whose page this summarises: how to cite its publisher's own text."""
    caution = ""
    if unapproved:
        caution = (f"This link is {unapproved.lower()}, not yet approved: what it says may "
                   "change before a publisher approves it, and no edition has it as it reads "
                   "here.")  # fmt: skip
    for checked in elements:
        if checked.framework.kind != FrameworkKind.STANDARDS:
            continue
        if checked.is_not_published:
            caution = f"{caution} {checked.code}: {NOT_PUBLISHED}".strip()
        elif checked.is_unchecked:
            caution = f"{caution} {checked.code}: {UNCHECKED}".strip()
    return {
        "citation": citation,
        # citeproc's HTML, made from values escaped first (mapping/citations.py)
        "cite_apa": mark_safe(citation.apa_html()),
        "cite_harvard": mark_safe(citation.harvard_html()),
        "cite_files": [
            (name, FORMATS[name].label, citation.text(name), FORMATS[name].extension)
            for name in ("bibtex", "ris", "csl-json")
        ],
        "cite_caution": caution,
        "cite_publisher": publisher if _cites_a_publisher(publisher) else None,
        "cite_entry": entry or {"kind": "register"},
    }


def _cites_a_publisher(framework) -> bool:
    """A standards framework with a publisher: its own text is what is quoted."""
    return bool(framework and framework.kind == FrameworkKind.STANDARDS and framework.publisher)
