"""Every register on this site: each mapping, with its editions."""

from __future__ import annotations

from django.db.models import Count, Max, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mapping.access.policy import require
from mapping.caching.pages import cached_page
from mapping.forms.editing import MappingForm
from mapping.models import Mapping, Role
from mapping.register.addresses import RegisterUrls
from mapping.views.lookups import HtmxHttpRequest, flash, get_mapping


@require_GET
@cached_page
def mapping_list(request: HtmxHttpRequest) -> HttpResponse:
    mappings = list(
        Mapping.objects.with_frameworks()
        .annotate(
            link_count=Count("links", filter=~Q(links__status="retired"), distinct=True),
            latest=Max("editions__number"),
        )
        .order_by("-is_default", "name")
    )
    for mapping in mappings:
        mapping.urls = RegisterUrls(mapping)
    return render(request, "mapping/mappings.html", {"mappings": mappings})


@require_http_methods(["GET", "POST"])
def mapping_create(request: HtmxHttpRequest) -> HttpResponse:
    """A new register from any framework onto any other (behaviours onto standards, or a
    crosswalk between two sets of standards), to fill by hand or by import; its pages are
    under /m/<slug>/. Making registers is the site's business: site-wide editors."""
    require(request.user, Role.EDITOR)
    form = MappingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mapping = form.save()
        flash(request, f"Added the register {mapping.name}. Add links, or import them.")
        return redirect(RegisterUrls(mapping).home)
    status = 400 if form.errors else 200
    return render(request, "mapping/mapping_form.html", {"form": form}, status=status)


@require_POST
def mapping_make_default(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    """Make a register the site's default: its pages move to the top of the site. The
    site's business: site-wide publishers."""
    require(request.user, Role.PUBLISHER)
    mapping = get_mapping(slug)
    mapping.make_default(by=request.user)
    flash(request, f"{mapping.name} is now the site's default register.")
    return redirect("home")
