"""The link table and a link's own page, for any register."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from mapping.access.policy import may
from mapping.forms.filters import LinkFilterForm
from mapping.models import EditionLink, Mapping, Relation, Role
from mapping.models.suggestions import flags
from mapping.register import Register
from mapping.register.addresses import RegisterUrls
from mapping.register.paging import page_of_links
from mapping.suggesting.downstream import downstream_of
from mapping.views.citing import citation_of, formatted, panel
from mapping.views.history import mark_revertable
from mapping.views.lookups import HtmxHttpRequest, back_to, register_page, wants_fragment

# How a link row is drawn: on the link table, or on a source's or a target's element page.
ROW_STYLES = {"table", "source", "target"}


@require_safe
@register_page
def link_table(request: HtmxHttpRequest, register: Register) -> HttpResponse:
    """Every link with its reason: filtered, sorted and paged through the query string."""
    form = LinkFilterForm(request.GET, register=register)
    context = {"register": register, "form": form, "page": None}
    if form.is_valid():
        chosen, where = form.chosen(), form.cleaned_data
        links = register.links(chosen)
        page, error = page_of_links(
            links, links.sort_keys(chosen.sort), number=where["page"], after=where["after"],
            before=where["before"], per_page=settings.WEAVE_LINKS_PER_PAGE,
        )  # fmt: skip
        if page is None:
            form.add_error("page", error)
        else:
            page.object_list = register.fetch(page.object_list)
            context["page"] = page
    template_name = "mapping/link_table.html"
    if wants_fragment(request):
        template_name += "#results"
    response = render(request, template_name, context, status=400 if form.errors else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
@register_page
def link_detail(request: HtmxHttpRequest, register: Register, pk: int) -> HttpResponse:
    """A link's permanent page: what it says, its status and (live) its whole history."""
    link = register.link(pk)
    if link is None:
        if (moved := _at_its_own_register(request, register, pk)) is not None:
            return moved
        if register.edition is not None and (elsewhere := _not_in_this_edition(register, pk)):
            return render(request, "404.html", elsewhere, status=404)
        raise Http404("There is no such link in this register.")
    if wants_fragment(request):
        # The row coming back after Cancel: the keyboard focus returns to the button that
        # opened the form (Retire, or else Edit).
        back = "retire" if request.GET.get("back") == "retire" else "edit"
        return link_page(request, register, link, partial="row", focus_row=back)
    citation = citation_of(request, register, link)
    if (response := formatted(request, citation)) is not None:
        return response
    extra = {"standing": register.standing(link)}
    if register.is_live and link.accepted_from:
        extra["path_changed"] = flags([link])
        checked = link.accepted_from.get("checked")
        if checked and not extra["path_changed"]:  # said only while it stands
            extra["checked"] = {"by": checked.get("by") or "someone",
                                "at": datetime.fromisoformat(checked["at"])}  # fmt: skip
    if register.is_live and may(request.user, Role.EDITOR, link.mapping):
        # What an edit would change elsewhere: other registers inferring through it.
        extra["downstream"] = [(entry, RegisterUrls(entry.mapping).home)
                               for entry in downstream_of(link)]  # fmt: skip
    unapproved = register.is_live and not link.is_approved
    extra |= panel(citation, elements=[link.source, link.target],
                   entry={"kind": "link", "link_id": link.link_id},
                   unapproved=link.get_status_display() if unapproved else "")  # fmt: skip
    return link_page(request, register, link, **extra)


def _at_its_own_register(request: HttpRequest, register: Register, pk: int):
    """An address at the top of the site (the default register's) naming a link of
    another register: one handed out while that register was the default. A link's id
    says which register it is in, so it still leads there."""
    if "slug" in request.resolver_match.kwargs:
        return None
    mapping = Mapping.objects.with_frameworks().filter(links__pk=pk).first()
    if mapping is None or mapping.pk == register.mapping.pk:
        return None
    number = register.edition.number if register.edition else None
    query = request.META.get("QUERY_STRING", "")
    return redirect(RegisterUrls(mapping, number).link(pk) + (f"?{query}" if query else ""))


def _not_in_this_edition(register: Register, pk: int) -> dict | None:
    """A link of the register that this edition does not have (made later, changed and not
    approved again before it, or retired): where it can be read instead."""
    live = register.mapping.links.with_elements().filter(pk=pk).first()
    if live is None:
        return None
    number = register.edition.number
    has_it = EditionLink.objects.filter(edition__mapping=register.mapping, link=pk)
    elsewhere = [(f"As edition {n} published it", RegisterUrls(register.mapping, n).link(pk))
                 for n in has_it.order_by("-edition__number")
                 .values_list("edition__number", flat=True)[:3]]  # fmt: skip
    elsewhere.append(("In the live register", live.get_absolute_url()))
    return {"said": f"{live.history_label} is not in edition {number}: it was added after "
                    "it, changed and not approved again before it, or retired.",
            "elsewhere": elsewhere}  # fmt: skip


def _row_style(request: HttpRequest) -> str:
    style = request.GET.get("style") or request.POST.get("style") or "table"
    return style if style in ROW_STYLES else "table"


def _element_id(request: HttpRequest) -> int | None:
    """Which element page a link row is shown on (it notes links made through children)."""
    value = request.GET.get("element") or request.POST.get("element") or ""
    # ASCII digits only ("²" is a digit to str.isdigit), and no more than an id can be.
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def link_page(
    request: HtmxHttpRequest,
    register: Register,
    link,
    *,
    partial: str | None = None,
    status: int = 200,
    **extra,
) -> HttpResponse:
    """The link's page, or one of its partials (a table row, or the row as a form) for htmx.
    On the link's own page, a row coming back changed brings the page's facts and history
    with it (out of band), so status, last change and history never lag behind the row."""
    style, element_id = _row_style(request), _element_id(request)
    # The whole page (its address, or /links/N/edit/ opened as a page of its own), or a
    # partial asked for from it.
    on_link_page = (
        partial is None
        or not wants_fragment(request)
        or "link" in (request.GET.get("on"), request.POST.get("on"))
    )
    context = {
        "register": register,
        "link": link,
        "style": style,
        "element_id": element_id,
        "on_link_page": on_link_page,
        "history": mark_revertable(request.user, register.history_of(link), subject=link),
        "relations": list(Relation),
        "next": back_to(request, link.url),
        "permalink": request.build_absolute_uri(register.urls.permanent(link.url)),
    } | extra
    if "standing" not in context and not wants_fragment(request):
        # A whole page (its edit form opened as one too) says where it stands.
        context["standing"] = register.standing(link)
    template_name = "mapping/link_detail.html"
    if partial and wants_fragment(request):
        template_name += f"#{partial}"
    response = render(request, template_name, context, status=status)
    changed = extra.get("saved") or extra.get("just_retired")
    if partial == "row" and changed and on_link_page and wants_fragment(request):
        beside = context | {"oob": True, "standing": register.standing(link)}
        # Each in a template of its own: after a table row, htmx parses the response as a
        # table's content, which would tear the history's own tables apart.
        for name in ("link_detail.html#heading", "cite_this.html#standing",
                     "link_detail.html#facts", "link_detail.html#restore",
                     "link_detail.html#history_section"):  # fmt: skip
            more = render_to_string(f"mapping/{name}", beside, request)
            response.content += f"<template>{more}</template>".encode()
    if partial == "row" and changed and wants_fragment(request):
        response.content += live_banner(request, register)
    patch_vary_headers(response, ["HX-Request"])
    return response


def live_banner(request: HtmxHttpRequest, register: Register) -> bytes:
    """The live register's banner ("3 changes since edition 1"), to swap in out of band
    beside whatever a change in place redraws, so that it never lags behind."""
    register.__dict__.pop("latest_edition", None)  # as it is now, after the change
    context = {"register": register, "oob": True}
    return render_to_string("base.html#live_banner", context, request).encode()
