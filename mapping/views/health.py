"""For the proxy or orchestrator in front: is this process up? It touches nothing, so it is
also the yardstick the throughput benchmark measures pages against."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@login_not_required  # the proxy asks whether the site is private or not
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
