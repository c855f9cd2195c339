"""What every API response carries, in one place: conditional GET (every 200 has an ETag, a
digest of the body, and where the view knows it a Last-Modified; If-None-Match or
If-Modified-Since gives a 304; an edition's response may be cached for a year, a live one
must be revalidated), a 400 for a query parameter the operation does not take, one given
twice or one that holds a NUL character (after the 401 a private site gives a stranger),
errors in JSON (an address or a method the API does not have too), and HEAD answered as GET
is, without the body. CORS
(reading from any origin: it is public data, GET only) is django-cors-headers', set up in
settings.py."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from mapping.api import api
from mapping.core.middleware import NUL, SAID

PREFIX = "/api/"
ALLOW = "GET, HEAD, OPTIONS"  # HEAD is answered as GET is; OPTIONS says so
YEAR = 365 * 24 * 3600


class ApiHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        """A query parameter the operation does not take is a 400 that names it, not
        silently ignored: "?standrad=INT" would otherwise answer every link."""
        if not request.path.startswith(PREFIX) or request.resolver_match is None:
            return None
        if _stranger_on_a_private_site(request):
            return None  # the operation's own 401 comes first
        for name, values in request.GET.lists():
            if NUL in name or any(NUL in value for value in values):
                name = name.replace(NUL, "") or "parameter"
                return _bad_parameter(name, f"{name}: {SAID}")
            if len(values) > 1:  # which one was meant? (the last would be taken, silently)
                return _bad_parameter(name, f"{name}: given {len(values)} times; give it once.")
        taken = _query_names().get(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}",
                                          "/" + request.resolver_match.route))  # fmt: skip
        unknown = sorted(set(request.GET) - taken) if taken is not None else []
        if not unknown:
            return None
        listed = ", ".join(sorted(taken)) or "no parameters"
        return _bad_parameter(
            unknown[0], f"{unknown[0]}: not a parameter here; this address takes {listed}."
        )

    def _options(self, request: HttpRequest) -> HttpResponse:
        """OPTIONS says of an address what GET would (RFC 9110, 9.3.7): where GET finds
        something, what it may be asked (a 204 with Allow); otherwise GET's own answer (a
        JSON 404 for a register that is not there, a 401 on a private site)."""
        request.method = "GET"
        try:
            found = self.get_response(request)
        finally:
            request.method = "OPTIONS"
        if found.status_code != 200:
            json = found.get("Content-Type", "").startswith("application/json")
            return _in_json(found) if found.status_code in NOT_JSON and not json else found
        answer = HttpResponse(status=204)
        del answer["Content-Type"]
        answer["Allow"] = ALLOW
        return answer

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(PREFIX) and request.method not in ("GET", "HEAD", "OPTIONS"):
            # Every address of the API, its description and docs too, only reads: the
            # method is wrong before anything (a form's CSRF check) is asked of it.
            return _in_json(HttpResponse(status=405))
        if request.path.startswith(PREFIX) and request.method == "OPTIONS":
            return self._options(request)  # a CORS preflight was answered (CorsMiddleware)
        head = request.method == "HEAD" and request.path.startswith(PREFIX)
        if head:  # answered as a GET (the operations are declared for GET alone)...
            request.method = "GET"
        response = self.get_response(request)
        if head:  # ...and the body left out, by the server or the test client
            request.method = "HEAD"
        if (request.path.startswith(PREFIX) and request.method in ("GET", "HEAD")
                and response.status_code == 200):  # fmt: skip
            response = _conditional(request, response)
        json = response.get("Content-Type", "").startswith("application/json")
        if request.path.startswith(PREFIX) and response.status_code in NOT_JSON and not json:
            response = _in_json(response)
        return response


# What an address or a method the API does not have is answered with, in JSON as every
# other mistake is (Django's and django-ninja's own answers are an HTML page, plain text).
NOT_JSON = {
    404: "There is nothing at this address in the API: see /api/docs/ for what there is.",
    405: "The API only reads: GET (or HEAD) is the method for every address.",
}


def _in_json(response: HttpResponse) -> JsonResponse:
    answer = JsonResponse({"detail": NOT_JSON[response.status_code], "parameter": None},
                          status=response.status_code,
                          content_type="application/json; charset=utf-8")  # fmt: skip
    if response.status_code == 405:
        answer["Allow"] = ALLOW
    return answer


def _stranger_on_a_private_site(request: HttpRequest) -> bool:
    signed_in = request.user.is_authenticated or "HTTP_AUTHORIZATION" in request.META
    return not settings.WEAVE_PUBLIC_READ and not signed_in


def _bad_parameter(name: str, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "parameter": name}, status=400,
                        json_dumps_params={"ensure_ascii": False},
                        content_type="application/json; charset=utf-8")  # fmt: skip


@cache
def _query_names() -> dict[str, set[str]]:
    """Each operation's query parameters, by its path, from the API's own description."""
    description = api.get_openapi_schema()
    return {
        path: {p["name"] for p in methods["get"].get("parameters", []) if p["in"] == "query"}
        for path, methods in description["paths"].items()
    }


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if response.streaming:
        return response
    etag = f'"{hashlib.sha256(response.content).hexdigest()[:40]}"'
    response["ETag"] = etag
    last_modified = getattr(request, "weave_last_modified", None)
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    # What only some may read (a register's suggestions, for its editors) is theirs alone.
    shared = settings.WEAVE_PUBLIC_READ and not getattr(request, "weave_private", False)
    reach = "public" if shared else "private"
    if getattr(request, "weave_frozen", False):
        response["Cache-Control"] = f"{reach}, max-age={YEAR}, immutable"
    else:
        response["Cache-Control"] = f"{reach}, no-cache"
    if not shared:
        patch_vary_headers(response, ["Authorization", "Cookie"])
    # Said before the 304 copies Vary: it is the 200's, which GZipMiddleware adds to later.
    patch_vary_headers(response, ["Accept-Encoding"])
    return get_conditional_response(
        request, etag=etag, last_modified=last_modified and int(last_modified.timestamp()),
        response=response,
    ) or response  # fmt: skip
