"""Element pages (any register) and editing elements: their words, new elements, retiring
and restoring."""

from __future__ import annotations

from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mapping.access.roles import Role, role_required
from mapping.caching.pages import cached_page
from mapping.forms.editing import ElementCreateForm, ElementEditForm
from mapping.models import Change
from mapping.models.retiring import retire_element
from mapping.register.addresses import BEHAVIOURS, STANDARDS
from mapping.views.citing import citation_of, formatted, panel
from mapping.views.lookups import HtmxHttpRequest, element_page, flash, get_register
from mapping.views.saving import restore_page, retire_page, save_edit
from standards.models import Element, Framework

# How many links an element page lists in each group (those made to the element, those
# through each element under it); the link table, filtered to the group, has the rest.
LINKS_PER_SECTION = 20


@require_GET
@cached_page
def element_detail(
    request: HtmxHttpRequest,
    code: str,
    side: str,
    slug: str | None = None,
    number: int | None = None,
) -> HttpResponse:
    """A behaviour or standard: what sits above and below it, and its links in both
    directions, those made to what sits under it grouped by child: the first of each group,
    with the rest a click away in the link table."""
    register = get_register(slug, number)
    element = register.element(side, code)
    if element is None:
        raise Http404(f"There is no {code} in this register.")
    citation = citation_of(request, register, element)
    if (response := formatted(request, citation)) is not None:
        return response
    other = STANDARDS if side == BEHAVIOURS else BEHAVIOURS
    direct, *through_children = register.link_sections(element, at_most=LINKS_PER_SECTION)
    context = {
        "register": register,
        "element": element,
        "ancestors": list(reversed(element.ancestors())),
        "children": [section.element for section in through_children],
        "direct": direct,
        "through_children": through_children,
        "filter_name": side[:-1],
        "is_behaviour": side == BEHAVIOURS,
        "row_style": side[:-1],
        "other_framework": register.framework(other),
        "history": register.history_of(element),
        "standing": register.standing(element),
    } | panel(citation, element=element)
    return render(request, "mapping/element_detail.html", context)


def _get_element(pk: int) -> Element:
    return get_object_or_404(Element.objects.select_related("framework", "parent"), pk=pk)


@role_required(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def element_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Edit an element's title and description, refusing a stale form."""
    element = _get_element(pk)
    conflict = None
    if request.method == "POST":

        def save(changes: dict, revision: int) -> None:
            Change.objects.apply(element, changes, by=request.user, revision=revision)

        form, conflict, saved = save_edit(request, ElementEditForm, element, save)
        if saved:
            flash(request, f"Saved {element.code}.")
            return redirect(element_page(element))
    else:
        form = ElementEditForm(instance=element, initial={"revision": element.revision})
    context = {
        "element": element,
        "form": form,
        "conflict": conflict,
        "cancel_url": element_page(element),
    }
    status = 409 if conflict else 400 if form.errors else 200
    return render(request, "mapping/element_form.html", context, status=status)


@role_required(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def element_retire(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Retire an element with everything under it and their links, with the reason."""
    element = _get_element(pk)
    return retire_page(
        request, element, retire_element, name=element.code, back=element_page(element),
        template="mapping/element_form.html", context={"element": element},
    )  # fmt: skip


@role_required(Role.EDITOR)
@require_POST
def element_restore(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Bring a retired element back (its links stay retired until restored one by one)."""
    element = _get_element(pk)
    return restore_page(request, element, name=element.code, back=element_page(element))


@role_required(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def element_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Add an element to a framework, at the top or under a parent (?parent=<code>)."""
    framework = get_object_or_404(Framework, slug=slug)
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
