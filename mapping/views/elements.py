"""Element pages (any register) and editing elements: their words, new elements, retiring
and restoring. An element's page is named by its framework and its code; the addresses of
the time when every register was behaviours → standards (behaviours/<code>/ and
standards/<code>/) lead there for good."""

from __future__ import annotations

from django.db import IntegrityError
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mapping.access.policy import may_change_framework
from mapping.coverage.across import across_frameworks
from mapping.forms.editing import ElementCreateForm, ElementEditForm
from mapping.models import Change, Mapping, Side
from mapping.models.history import name_parents
from mapping.models.retiring import retire_element
from mapping.register import Register
from mapping.views.citing import citation_of, formatted, panel
from mapping.views.history import mark_revertable
from mapping.views.lookups import (
    HtmxHttpRequest,
    element_page,
    flash,
    get_element_for_editing,
    get_framework_for_editing,
    get_register,
    register_page,
)
from mapping.views.saving import restore_page, retire_page, save_edit
from standards.models import Framework

# How many links an element page lists in each group (those made to the element, those
# through each element under it); the link table, filtered to the group, has the rest.
LINKS_PER_SECTION = 20
# Inferred links listed with their paths; the rest are counted, and on the suggestions page.
INFERRED_ON_PAGE = 50


def _in_its_own_case(register: Register, side, code: str) -> str | None:
    """The code of the element a code typed in another case names ("int.3": INT.3)."""
    wanted = code.casefold()
    return next((e.code for e in register.elements(side) if e.code.casefold() == wanted), None)


@require_safe
@register_page(site_too="always")
def element_detail(
    request: HtmxHttpRequest, register: Register, framework: str, code: str
) -> HttpResponse:
    """An element of either framework (a behaviour, a standard): what sits above and below
    it, and its links, those made to what sits under it grouped by child: the first of
    each group, with the rest a click away in the link table."""
    side = register.side_of(framework)
    element = register.element(side, code) if side else None
    if element is None:
        if side is None and (moved := _at_a_register_of_its_own(request, register, framework,
                                                                  code)):  # fmt: skip
            return moved
        if side and (cased := _in_its_own_case(register, side, code)):
            query = request.META.get("QUERY_STRING", "")
            return redirect(register.urls.element(side, cased) + (f"?{query}" if query else ""))
        raise Http404(f"There is no {code} in this register.")
    citation = citation_of(request, register, element)
    if (response := formatted(request, citation)) is not None:
        return response
    direct, *through_children = register.link_sections(element, at_most=LINKS_PER_SECTION)
    inferred, inferred_count = register.inferred_of(element, at_most=INFERRED_ON_PAGE)
    context = {
        "register": register,
        "element": element,
        "side": side,
        "ancestors": list(reversed(element.ancestors())),
        "children": [section.element for section in through_children],
        "direct": direct,
        "through_children": through_children,
        "linked": any(section.total for section in (direct, *through_children)),
        "is_source": side == Side.SOURCE,
        "other_framework": register.framework(side.other),
        "history": mark_revertable(request.user, name_parents(register.history_of(element)),
                                   subject=element),
        "inferred": inferred,
        "inferred_count": inferred_count,
        "across": across_frameworks(element, register) if register.is_live else [],
        "standing": register.standing(element),
        "can_edit_element": register.is_live
        and may_change_framework(request.user, register.framework(side)),
    } | panel(citation, elements=[element],
              entry={"kind": "element", "side": side, "code": element.code},
              publisher=element.framework)  # fmt: skip
    return render(request, "mapping/element_detail.html", context)


def _at_a_register_of_its_own(request, register: Register, framework: str, code: str):
    """An address at the top of the site (the default register's) naming an element of a
    framework that register does not map: one handed out while a register that does was
    the default. It leads to that register's page (if several map it, the one a reader is
    best sent to: MappingQuerySet.read_for)."""
    if "slug" in request.resolver_match.kwargs:
        return None
    named = Framework.objects.filter(slug=framework).first()
    found = Mapping.objects.read_for(named).first() if named is not None else None
    if found is None:
        return None
    kwargs = {"slug": found.slug, "framework": framework, "code": code}
    if register.edition:
        kwargs["number"] = register.edition.number
    return redirect(reverse("element_detail", kwargs=kwargs))


@require_safe
def element_moved(
    request: HtmxHttpRequest, code: str, side: str, slug: str | None = None,
    number: int | None = None,
) -> HttpResponse:  # fmt: skip
    """An element's old address (behaviours/<code>/, standards/<code>/): its page now."""
    register = get_register(request, slug, number)
    url = register.urls.element(side, code)
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


@require_http_methods(["GET", "HEAD", "POST"])
def element_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Edit an element's title and description, refusing a stale form."""
    element = get_element_for_editing(request, pk)
    edit = save_edit(request, ElementEditForm, element)
    if edit.saved:
        flash(request, f"Saved {element.code}.")
        return redirect(element_page(element))
    context = {"element": element, "form": edit.form, "conflict": edit.conflict,
               "cancel_url": element_page(element)}  # fmt: skip
    if edit.conflict is not None:  # who saved it meanwhile, as a link's conflict says
        edits = Change.objects.for_object(element).filter(mapping=None)  # not a gap's decision
        last = edits.select_related("user").order_by("-at").first()
        context["conflict_by"] = last.who if last is not None else "Someone"
    return render(request, "mapping/element_form.html", context, status=edit.status)


@require_http_methods(["GET", "HEAD", "POST"])
def element_retire(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Retire an element with everything under it and their links, with the reason."""
    element = get_element_for_editing(request, pk)
    return retire_page(
        request, element, retire_element, name=element.code, back=element_page(element),
        template="mapping/element_form.html", context={"element": element},
    )  # fmt: skip


@require_POST
def element_restore(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Bring a retired element back (its links stay retired until restored one by one)."""
    element = get_element_for_editing(request, pk)
    return restore_page(request, element, name=element.code, back=element_page(element))


@require_http_methods(["GET", "HEAD", "POST"])
def element_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Add an element to a framework, at the top or under a parent (?parent=<code>)."""
    framework = get_framework_for_editing(request, slug)
    if request.method == "POST":
        form = ElementCreateForm(request.POST, framework=framework)
        if form.is_valid():
            element = form.save(commit=False)
            try:
                Change.objects.save_new(element, by=request.user)
            except IntegrityError:
                form.add_error("code", "That code was taken a moment ago: choose another.")
            else:
                flash(request, f"Added {element.code} to {framework.name}.")
                return redirect(element_page(element))
    else:
        form = ElementCreateForm(framework=framework, under=request.GET.get("parent", ""))
    context = {
        "framework": framework,
        "form": form,
        "cancel_url": framework.get_absolute_url(),
    }
    return render(request, "mapping/element_form.html", context, status=400 if form.errors else 200)
