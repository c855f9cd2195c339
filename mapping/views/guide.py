"""The QuickStart guide, the site's home, and the printable register: for any register.

The PDF is rendered in the background (mapping/tasks.py) and kept in the cache (mapping/
pdf_cache.py); while a new one renders, readers get the latest one and the page offering
it says so."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from mapping.access.policy import may_import_framework
from mapping.coverage.across import every_register
from mapping.forms.filters import PdfStatusForm
from mapping.models import Mapping, Relation
from mapping.models.inference import composition_table
from mapping.pdf.store import PrintedRegister, remember_origin
from mapping.register import Register
from mapping.tasks import offered_pdf, queue_pdf
from mapping.views.citing import citation_of, formatted, panel
from mapping.views.lookups import HtmxHttpRequest, get_register, register_page, wants_fragment


def _printed(request: HtmxHttpRequest, register: Register) -> PrintedRegister:
    """The register's PDF as printed for this site's address (its permalink is on it)."""
    origin = request.build_absolute_uri("/").removesuffix("/")
    remember_origin(origin)
    return PrintedRegister(register, origin, today=timezone.localdate())


@require_safe
@register_page(empty_site=True, site_too="at home")
def guide(request: HtmxHttpRequest, register: Register | None) -> HttpResponse:
    """The register at a glance: coverage, each element of both frameworks, how to read a
    link."""
    if register is None:
        # A new install: say how to load the demo rather than fail.
        has_registers = Mapping.objects.exists()
        return render(request, "mapping/guide.html",
                      {"register": None, "has_registers": has_registers})  # fmt: skip
    citation = citation_of(request, register)
    if (response := formatted(request, citation)) is not None:
        return response
    context = {
        "register": register,
        "coverage": register.coverage,
        "relations": [(relation, relation.explained(register.words)) for relation in Relation],
        "permalink": request.build_absolute_uri(register.urls.permanent(register.urls.home)),
        "composition": composition_table(),
        # The site's home: where the organisation stands in every register.
        "every": every_register() if _at_home(request, register) else [],
        "can_import_framework": register.is_live and may_import_framework(request.user),
    } | panel(citation)
    return render(request, "mapping/guide.html", context)


def _at_home(request: HtmxHttpRequest, register: Register) -> bool:
    """The top of the site (its pages kept per version of the site too: register_page)."""
    return register.is_live and "slug" not in request.resolver_match.kwargs


@require_safe
def guide_pdf(
    request: HtmxHttpRequest, slug: str | None = None, number: int | None = None
) -> HttpResponse:
    """The printable register, as an A4 PDF download named by its date or edition: the
    latest one rendered while a new one is being prepared."""
    register = get_register(request, slug, number)
    pdf, current = offered_pdf(_printed(request, register), wait=request.user.is_authenticated)
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=pdf.filename
    )
    response["ETag"] = f'"{pdf.digest}"'
    if not current:
        response["Cache-Control"] = "no-cache"
        response["X-Weave-PDF"] = "previous; a new PDF is being prepared"
    return response


@require_safe
def pdf_status(
    request: HtmxHttpRequest, slug: str | None = None, number: int | None = None
) -> HttpResponse:
    """Whether the register's PDF is ready: a small page, whose htmx fragment is the
    guide's PDF link, saying so while a new PDF is being prepared and the latest is
    offered meanwhile."""
    register = get_register(request, slug, number)
    printed = _printed(request, register)
    state = printed.state()
    if not state.ready and state.previous is not None:
        # Say it is being prepared only when it is (a new day, say, queues nothing).
        queue_pdf(printed)
        state = printed.state()
    template_name = "mapping/pdf_status.html"
    if wants_fragment(request):
        template_name += "#pdf_link"
    # Asked again while one was being prepared: where it is ready now, the line says so.
    waited = PdfStatusForm(request.GET).waited_for_it
    context = {"register": register, "pdf_state": state, "waited": waited}
    response = render(request, template_name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
