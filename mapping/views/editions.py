"""A mapping's editions: the list, publishing the next one, and comparing two."""

from __future__ import annotations

from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_safe

from mapping.forms.editing import EditionForm
from mapping.forms.filters import CompareForm
from mapping.models import Edition, LinkStatus, Role
from mapping.models.editions import NothingToPublish
from mapping.register import LiveRegister
from mapping.register.comparison import EditionContent, diff, explained
from mapping.views.lookups import (
    HtmxHttpRequest,
    flash,
    get_live_register,
    page_of,
    register_page,
)

COMPARED_LINKS_PAGE = 200  # links that differ, a page of the comparison


@require_safe
@register_page
def edition_list(request: HtmxHttpRequest, register: LiveRegister) -> HttpResponse:
    editions = list(
        register.mapping.editions.select_related("published_by", "mapping")
        .with_changes_since()
        .latest_first()
    )
    context = {"register": register, "editions": editions}
    return render(request, "mapping/editions.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def edition_publish(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    """Publish the register as it stands (approved links only) as the next edition."""
    register = get_live_register(request, slug, need=Role.PUBLISHER)
    next_number = (register.latest_edition.number + 1) if register.latest_edition else 1
    form = EditionForm(request.POST or None, number=next_number)
    if request.method == "POST" and form.is_valid():
        try:
            edition = Edition.objects.publish(
                register.mapping,
                by=request.user,
                title=form.cleaned_data["title"],
                notes=form.cleaned_data["notes"],
            )
        except IntegrityError:
            form.add_error(None, "Another edition was published at the same moment; try again.")
        except NothingToPublish as nothing:
            latest = nothing.latest
            when = date_format(timezone.localtime(latest.published_at), "j F Y, H:i")
            notes = form.cleaned_data["notes"].strip() != latest.notes
            form.add_error(None, f"Edition {latest.number}, “{latest.title}”, was published "
                           f"{when}" + (" under this title" if notes else " with these words")
                           + ", and nothing has changed since: it is already there. "
                           + ("New notes alone do not make a new edition. " if notes else "")
                           + "(To issue it again, give it a new title.)")  # fmt: skip
        else:
            flash(request, f"Published edition {edition.number}.")
            return redirect(edition.get_absolute_url())
    counts = register.mapping.links.current().status_counts()
    links, latest = register.mapping.links, register.latest_edition
    in_order = ("source__tree_rank", "target__tree_rank")
    context = {
        "left_out": list(links.awaiting_since(latest).with_elements().order_by(*in_order)),
        "retired": list(links.retired_since(latest).with_elements().order_by(*in_order)),
        "register": register,
        "form": form,
        "approved": counts[LinkStatus.APPROVED],
        "waiting": counts[LinkStatus.PROPOSED],
        "drafts": counts[LinkStatus.DRAFT],
        "next_number": next_number,
    }
    return render(
        request, "mapping/edition_publish.html", context, status=400 if form.errors else 200
    )


@require_safe
@register_page
def edition_compare(request: HtmxHttpRequest, register: LiveRegister) -> HttpResponse:
    """Two editions side by side: links, element texts and gaps left unlinked on purpose,
    added, removed and changed; the links that differ a page at a time."""
    editions = list(register.mapping.editions.select_related("mapping").latest_first())
    data = request.GET
    if not data and len(editions) >= 2:
        data = {"old": editions[1].number, "new": editions[0].number}
    form = CompareForm(data or None, editions=editions)
    context = {"register": register, "form": form, "diff": None, "editions": editions}
    if form.is_bound and form.is_valid():
        by_number = {e.number: e for e in editions}
        old, new = by_number[form.cleaned_data["old"]], by_number[form.cleaned_data["new"]]
        found = diff(EditionContent.of(old), EditionContent.of(new))
        page = page_of(form, found.link_rows, "links that differ", per_page=COMPARED_LINKS_PAGE)
        if page is not None:
            page.object_list = explained(list(page.object_list), old, new)
            context |= {"old": old, "new": new, "diff": found, "page": page}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "mapping/edition_compare.html", context, status=status)
