"""The header's "My references (n)": pages are kept for every reader alike, so the count is
a marker in them, filled in here for a reader whose list is not empty (read from its cookie:
no database)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from mapping.citing.references import COOKIE, count

MARKER = b"<!--weave:refcount-->"


class ReferenceCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            COOKIE in request.COOKIES
            and not response.streaming
            and not response.has_header("Content-Encoding")
            and response.get("Content-Type", "").startswith("text/html")
            and MARKER in response.content
        ):
            listed = count(request)
            if listed:
                response.content = response.content.replace(MARKER, f" ({listed})".encode())
        return response
