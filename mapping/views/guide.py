"""The QuickStart guide, the site's home, and the printable register: for any register."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from mapping.models import Relation
from mapping.pdf import register_pdf
from mapping.views.citing import citation_of, formatted, panel
from mapping.views.lookups import HtmxHttpRequest, get_register


@require_GET
def guide(request: HtmxHttpRequest, slug: str | None = None, number: int | None = None):
    """The register at a glance: coverage, each behaviour and standard, how to read a link."""
    try:
        register = get_register(slug, number)
    except Http404:
        if slug is None and number is None:
            # A new install: say how to load the demo rather than fail.
            return render(request, "mapping/guide.html", {"register": None})
        raise
    citation = citation_of(request, register)
    if (response := formatted(request, citation)) is not None:
        return response
    context = {
        "register": register,
        "coverage": register.coverage,
        "relations": list(Relation),
        "permalink": request.build_absolute_uri(register.urls.home),
    } | panel(citation)
    return render(request, "mapping/guide.html", context)


@require_GET
def guide_pdf(
    request: HtmxHttpRequest, slug: str | None = None, number: int | None = None
) -> HttpResponse:
    """The printable register, as an A4 PDF download named by its date or edition."""
    register = get_register(slug, number)
    pdf = register_pdf(
        register,
        permalink=request.build_absolute_uri(register.urls.home),
        today=timezone.localdate(),
    )
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=pdf.filename
    )
    response["ETag"] = f'"{pdf.digest}"'
    return response
