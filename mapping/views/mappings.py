"""Every register on this site: each mapping, with its editions."""

from __future__ import annotations

from django.db.models import Count, Max, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mapping.addresses import RegisterUrls
from mapping.models import Mapping
from mapping.views.lookups import HtmxHttpRequest


@require_GET
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
