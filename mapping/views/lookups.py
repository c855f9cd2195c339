"""What every view starts from: the register (or link, element, framework) an address names,
loaded first and then checked against the policy (mapping/access/policy.py): a 404 when it
names none, the login page for nobody signed in, a 403 for a role that does not reach; and
the small courtesies of htmx requests."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.paginator import EmptyPage, Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails

from mapping.access.policy import require
from mapping.caching.pages import cached_page
from mapping.models import Edition, Link, Mapping, Role
from mapping.register import EditionRegister, LiveRegister, Register
from standards.models import Element, Framework


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class NoRegisterYet(Http404):
    """A page of the default register, on a site that has none yet: its 404 says how to
    start one (mapping/views/errors.py)."""


def get_mapping(slug: str | None = None) -> Mapping:
    """The site's default mapping, or the one with this slug."""
    mappings = Mapping.objects.with_frameworks()
    mapping = mappings.filter(**({"is_default": True} if slug is None else {"slug": slug})).first()
    if mapping is None:
        if slug is None:
            raise NoRegisterYet("No mapping has been set up yet.")
        raise Http404("No such register.")
    return mapping


def get_register(
    request: HttpRequest, slug: str | None = None, number: int | None = None, *,
    need: Role | None = None,
) -> Register:  # fmt: skip
    """The register an address names: a mapping (the default one without a slug), live or
    at edition number; need: the role the view asks of the reader in it."""
    mapping = get_mapping(slug)
    if need is not None:
        require(request.user, need, mapping)
    if number is None:
        register = LiveRegister(mapping)
    else:
        edition = get_object_or_404(
            Edition.objects.select_related("published_by").with_newest(), mapping=mapping,
            number=number,
        )  # fmt: skip
        edition.mapping = mapping
        register = EditionRegister(edition)
    request.register = register  # the header says the reader's role in it
    return register


def get_live_register(
    request: HttpRequest, slug: str | None = None, *, need: Role | None = None
) -> LiveRegister:
    return get_register(request, slug, need=need)


def register_page(
    view: Callable | None = None, *, frozen_when_edition: bool = False, empty_site: bool = False,
    site_too: str = "",
):  # fmt: skip
    """A page of one register, live or at an edition, at any of its addresses: kept per
    version of that register (mapping/caching/pages.py), and given the register its address
    names as the view's second argument (a 404 if it names none). frozen_when_edition: a
    download whose edition form never changes. empty_site: on a new install, with no
    register yet, the page is given None rather than a 404. site_too: "always" or "at
    home", where the page also shows other registers (an element's standing in every
    framework; the site's home), kept per version of the site as well."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @cached_page(of_register=True, frozen_when_edition=frozen_when_edition,
                     site_too=site_too)  # fmt: skip
        @wraps(view)
        def wrapper(request, *args, slug: str | None = None, number: int | None = None, **kw):
            try:
                register = get_register(request, slug, number)
            except Http404:
                if not (empty_site and slug is None and number is None):
                    raise
                register = None
            return view(request, register, *args, **kw)

        return wrapper

    return decorate(view) if view is not None else decorate


def get_link_for_editing(
    request: HttpRequest, pk: int, *, need: Role = Role.EDITOR
) -> tuple[Link, LiveRegister]:
    """A link of any mapping, retired or not, loaded once with what its row shows, and the
    live register it belongs to; need: the role its register asks of the editor."""
    link = get_object_or_404(Link.objects.with_elements().select_related("updated_by"), pk=pk)
    require(request.user, need, link.mapping)
    register = LiveRegister(link.mapping)
    request.register = register
    return register.show(link), register


def get_element_for_editing(request: HttpRequest, pk: int) -> Element:
    """An element, for someone who may change its framework."""
    element = get_object_or_404(Element.objects.select_related("framework", "parent"), pk=pk)
    require(request.user, Role.EDITOR, framework=element.framework)
    return element


def get_framework_for_editing(request: HttpRequest, slug: str) -> Framework:
    framework = get_object_or_404(Framework, slug=slug)
    require(request.user, Role.EDITOR, framework=framework)
    return framework


def element_page(element: Element) -> str:
    """Where an element is read: its page in the live register of a mapping that maps its
    framework (MappingQuerySet.read_for), or else its framework's page."""
    mapping = Mapping.objects.with_frameworks().read_for(element.framework).first()
    if mapping is None:
        return element.framework.get_absolute_url()
    register = LiveRegister(mapping)
    return register.urls.element_in(element.framework.slug, element.code)


def page_of(form, items, what: str, *, per_page: int | None = None) -> Page | None:
    """The page of items the form's cleaned "page" asks for (the first if none); else None,
    with the error on the form (which then says "these <what> have N pages")."""
    paginator = Paginator(items, per_page or settings.WEAVE_LINKS_PER_PAGE)
    number = form.cleaned_data["page"] or 1
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
    """Where a plain form post returns to: ?next= if it is a path on this site, else
    fallback. (Anything else, "zz" say, would be taken by redirect() for a view's name.)"""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return fallback
