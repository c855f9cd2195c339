"""What every view starts from: the register (or link) an address names, a 404 when it
names none, and the small courtesies of htmx requests."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import EmptyPage, Page, Paginator
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails

from mapping.models import Edition, Link, Mapping
from mapping.register.registers import EditionRegister, LiveRegister, Register
from standards.models import Element


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def get_mapping(slug: str | None = None) -> Mapping:
    """The site's default mapping, or the one with this slug."""
    mappings = Mapping.objects.with_frameworks()
    mapping = mappings.filter(**({"is_default": True} if slug is None else {"slug": slug})).first()
    if mapping is None:
        raise Http404("No mapping has been set up yet." if slug is None else "No such register.")
    return mapping


def get_register(slug: str | None = None, number: int | None = None) -> Register:
    """The register an address names: a mapping (the default one without a slug), live or
    at edition number."""
    mapping = get_mapping(slug)
    if number is None:
        return LiveRegister(mapping)
    edition = get_object_or_404(
        Edition.objects.select_related("published_by").with_newest(), mapping=mapping,
        number=number,
    )  # fmt: skip
    edition.mapping = mapping
    return EditionRegister(edition)


def get_live_register(slug: str | None = None) -> LiveRegister:
    return LiveRegister(get_mapping(slug))


def get_link_for_editing(pk: int) -> tuple[Link, LiveRegister]:
    """A link of any mapping, retired or not, loaded once with what its row shows, and the
    live register it belongs to."""
    link = get_object_or_404(Link.objects.with_elements().select_related("updated_by"), pk=pk)
    register = LiveRegister(link.mapping)
    return register.show(link), register


def element_page(element: Element) -> str:
    """Where an element is read: its page in the live register of a mapping that maps its
    framework (the default one first), or else its framework's page."""
    mapping = (
        Mapping.objects.with_frameworks()
        .using_framework(element.framework)
        .order_by("-is_default")
        .first()
    )
    if mapping is None:
        return element.framework.get_absolute_url()
    side = element.framework.kind
    return LiveRegister(mapping).urls.element(side, element.code)


def page_of(form, items, what: str) -> Page | None:
    """The page of items the form's cleaned "page" asks for; else None, with the error on
    the form (which then says "these <what> have N pages")."""
    paginator = Paginator(items, settings.WEAVE_LINKS_PER_PAGE)
    number = form.cleaned_data["page"]
    try:
        return paginator.page(number)
    except EmptyPage:
        pages = paginator.num_pages
        form.add_error("page", f"There is no page {number}: these {what} have {pages} "
                       f"page{pluralize(pages)}.")  # fmt: skip
        return None


def wants_fragment(request: HtmxHttpRequest) -> bool:
    # A history restore (Back after the cache is empty) needs the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


def flash(request: HtmxHttpRequest, text: str) -> None:
    """A message for the next full page. An htmx swap says it in place instead, and a
    message left unread would turn up on some later page."""
    if not wants_fragment(request):
        messages.success(request, text)


def back_to(request: HttpRequest, fallback: str) -> str:
    """Where a plain form post returns to: ?next= if it is on this site, else fallback."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback
