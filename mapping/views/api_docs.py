"""The API's reference page: what each operation takes and answers, read from the OpenAPI
description (mapping/api/reference.py), with examples to try."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from mapping.api import api
from mapping.api.reference import read
from mapping.api.registers import DEMO_REGISTER
from mapping.caching.pages import cached_page
from mapping.models import Edition, Link, Mapping
from standards.models import Element


@require_safe
@cached_page
def api_docs(request: HttpRequest) -> HttpResponse:
    description = api.get_openapi_schema()
    context = {
        "reference": read(description, examples=_examples_here()),
        "info": description["info"],
        "base": request.build_absolute_uri("/api/"),
        "public_read": settings.WEAVE_PUBLIC_READ,
        "example": _example(),
        # The reference's examples are the demonstration register's: live links only here.
        "demo_here": Mapping.objects.filter(slug=DEMO_REGISTER).exists(),
        "demo_editions": Edition.objects.filter(mapping__slug=DEMO_REGISTER).count(),
    }
    return render(request, "mapping/api_docs.html", context)


def _examples_here() -> dict:
    """The demonstration register's first link, for the example of reading one: the id
    the description gives (1) is not every site's."""
    first = Link.objects.filter(mapping__slug=DEMO_REGISTER).current().order_by("pk")
    link_id = first.values_list("pk", flat=True).first()
    return {"link_id": link_id} if link_id is not None else {}


def _example() -> dict | None:
    """What the examples ask about: this site's default register, one of its standards
    with links and the one above it, and its latest edition; None on a site without one."""
    mapping = Mapping.objects.default()
    if mapping is None:
        return None
    elements = Element.objects.filter(framework=mapping.target_framework, retired=False)
    linked = (
        elements.filter(parent__isnull=False, links_as_target__mapping=mapping)
        .select_related("parent")
        .order_by("parent__position", "position")
        .first()
    )
    top = (
        linked.parent
        if linked
        else elements.filter(parent__isnull=True).order_by("position").first()
    )
    edition = mapping.editions.order_by("-number").values_list("number", flat=True).first()
    return {"slug": mapping.slug, "sources": mapping.source_framework.name,
            "linked": linked, "top": top, "edition": edition}  # fmt: skip
