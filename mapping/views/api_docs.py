"""The API's reference page: what each operation takes and answers, read from the OpenAPI
description (mapping/api/reference.py), with examples to try."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from mapping.api import api
from mapping.api.reference import read
from mapping.caching.pages import cached_page


@require_safe
@cached_page
def api_docs(request: HttpRequest) -> HttpResponse:
    description = api.get_openapi_schema()
    context = {
        "reference": read(description),
        "info": description["info"],
        "base": request.build_absolute_uri("/api/"),
        "public_read": settings.WEAVE_PUBLIC_READ,
    }
    return render(request, "mapping/api_docs.html", context)
