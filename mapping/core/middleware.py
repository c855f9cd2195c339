"""A NUL character is never part of anything Weave names or stores (and PostgreSQL refuses
it in text): a page or form request that carries one in its path, query or form is a 400
at once. The API answers for itself, in JSON: a query parameter with a NUL in it is a 400
that names it (mapping/api/http.py), and a name in its address with one names nothing (404)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

NUL = "\x00"
SAID = "has a NUL character in it, which nothing here can hold."


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = None if request.path.startswith("/api/") else _where_nul(request)
        if where is None:
            return self.get_response(request)
        said = f"The {where} {SAID}"
        if request.method == "POST":  # a form: the browser kept what was typed
            said += " Go back to the form, take it out (it is invisible: retype the text " \
                "around where you pasted), and send it again. Nothing was saved."  # fmt: skip
        # Refused before anyone is known: the page names nothing of the site (context.py).
        return HttpResponseBadRequest(render_to_string("400.html", {"said": said}))


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
