"""A NUL character is never part of anything Weave names or stores (and PostgreSQL refuses
it in text): a page or form request that carries one in its path, query or form is a 400
at once. The API answers for itself, in JSON: a query parameter with a NUL in it is a 400
that names it (mapping/api/http.py), and a name in its address with one names nothing (404)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

NUL = "\x00"
SAID = "has a NUL character in it, which nothing here can hold."


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = None if request.path.startswith("/api/") else _where_nul(request)
        if where is None:
            return self.get_response(request)
        return HttpResponseBadRequest(f"The {where} {SAID}",
                                      content_type="text/plain; charset=utf-8")  # fmt: skip


def _where_nul(request: HttpRequest) -> str | None:
    """What carries a NUL: "address", or the name of the parameter or form field."""
    if NUL in request.path:
        return "address"
    sources = [request.GET] + ([request.POST] if request.method == "POST" else [])
    for data in sources:
        for key, values in data.lists():
            if NUL in key or any(NUL in value for value in values):
                return key.replace(NUL, "") or "parameter"
    return None
