"""What every API response carries, in one place: CORS for reading from any origin (it is
public data; GET only), and conditional GET. Every 200 has an ETag (a digest of the body)
and, where the view knows it, a Last-Modified; If-None-Match or If-Modified-Since gives a
304. An edition's response may be cached for a year; a live one must be revalidated."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

PREFIX = "/api/"
YEAR = 365 * 24 * 3600


class ApiHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = (
                "Authorization, If-None-Match, If-Modified-Since"
            )
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = self.get_response(request)
            if request.method in ("GET", "HEAD") and response.status_code == 200:
                response = _conditional(request, response)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
        return response


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if response.streaming:
        return response
    etag = f'"{hashlib.sha256(response.content).hexdigest()[:40]}"'
    response["ETag"] = etag
    last_modified = getattr(request, "weave_last_modified", None)
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    reach = "public" if settings.WEAVE_PUBLIC_READ else "private"
    if getattr(request, "weave_frozen", False):
        response["Cache-Control"] = f"{reach}, max-age={YEAR}, immutable"
    else:
        response["Cache-Control"] = f"{reach}, no-cache"
    if not settings.WEAVE_PUBLIC_READ:
        patch_vary_headers(response, ["Authorization", "Cookie"])
    return get_conditional_response(
        request, etag=etag, last_modified=last_modified and int(last_modified.timestamp()),
        response=response,
    ) or response  # fmt: skip
