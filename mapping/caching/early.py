"""Kept pages served to anonymous readers before the middleware stack runs.

A kept page (mapping/caching/pages.py) for an anonymous reader is the same for everyone who
asks for it, and so is everything the middleware adds to it (security headers, the policy,
Vary, ETag, Cache-Control, compression). So the first time a kept page goes out through the
whole stack, this middleware, first in the list, notes the headers it left with; from then
on, the same page for another anonymous reader is answered here, with those headers and the
kept body, gzipped or not as asked, or a 304 for a matching ETag. Nothing per request is
skipped: only requests with no session or messages cookie, on a public site, over the
scheme the site insists on, reach it; anything else (a signed-in reader, a POST, a page not
kept yet, a NUL in the query, an address of a host not allowed) goes the long way.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve

from mapping.caching.pages import NEAR_PAGES, _recall
from mapping.citing.references import COOKIE as REFERENCES_COOKIE

# Headers that belong to one answer, never replayed.
OWN_HEADERS = {"content-length", "set-cookie", "date"}
# Left off a 304, as Django's ConditionalGetMiddleware does.
NOT_ON_304 = {"content-type", "content-encoding", "content-language", "content-disposition"}
_final: OrderedDict[tuple[str, str], list[tuple[str, str]]] = OrderedDict()
_lock = threading.Lock()
ADDRESSES = 4096
_views: OrderedDict[str, tuple[Callable | None, dict]] = OrderedDict()


class EarlyPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        early = _early_answer(request)
        if early is not None:
            return early
        response = self.get_response(request)
        _note(request, response)
        return response


def forget(**_signal) -> None:
    with _lock:
        _final.clear()
        _views.clear()


setting_changed.connect(forget)  # a test's own addresses or settings


def _encoding(request: HttpRequest, kept: dict) -> str:
    return "gzip" if "gzip" in kept and "gzip" in request.headers.get("Accept-Encoding", "") \
        else ""  # fmt: skip


def _may_answer(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and settings.WEAVE_PAGE_CACHE
        and settings.WEAVE_PUBLIC_READ
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and REFERENCES_COOKIE not in request.COOKIES  # the header counts their list
        and "\x00" not in request.path
        and "%00" not in request.META.get("QUERY_STRING", "")
        and (request.is_secure() or not settings.SECURE_SSL_REDIRECT)
    )


def _early_answer(request: HttpRequest) -> HttpResponse | None:
    if not _may_answer(request):
        return None
    try:
        page_key, kwargs = _kept_view(request.path_info)
        if page_key is None:
            return None
        key, _frozen = page_key(request, kwargs)  # None: an edition not yet seen here
    except DisallowedHost:
        return None
    if key is None:
        return None
    kept = _recall(key)
    if kept is None:
        return None
    encoding = _encoding(request, kept)
    with _lock:
        headers = _final.get((key, encoding))
    if headers is None:
        return None
    etag = next((value for name, value in headers if name.lower() == "etag"), None)
    if etag and etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
        for name, value in headers:
            if name.lower() not in NOT_ON_304:
                response[name] = value
        return response
    response = HttpResponse(kept["gzip"] if encoding else kept["body"])
    for name, value in headers:
        response[name] = value
    return response


def _kept_view(path: str) -> tuple[Callable | None, dict]:
    """The page-key function of the kept view at this address and its arguments, or None;
    remembered per address (the addresses do not change while the process runs)."""
    with _lock:
        found = _views.get(path)
    if found is None:
        try:
            match = resolve(path)
            found = (getattr(match.func, "weave_page_key", None), match.kwargs)
        except Resolver404:
            found = (None, {})
        with _lock:
            _views[path] = found
            while len(_views) > ADDRESSES:
                _views.popitem(last=False)
    return found


def _note(request: HttpRequest, response: HttpResponse) -> None:
    """The headers a kept anonymous page left the whole stack with, if it may be replayed."""
    key = getattr(request, "weave_kept_key", None)
    if key is None or response.status_code != 200 or response.cookies or response.streaming:
        return
    if not _may_answer(request):
        return
    kept = _recall(key)
    if kept is None:
        return
    encoding = "gzip" if response.get("Content-Encoding") == "gzip" else ""
    if encoding != _encoding(request, kept):
        return  # compressed by the stack itself, not from the kept page: not replayable
    headers = [(name, value) for name, value in response.items()
               if name.lower() not in OWN_HEADERS]  # fmt: skip
    with _lock:
        _final[(key, encoding)] = headers
        _final.move_to_end((key, encoding))
        while len(_final) > 2 * NEAR_PAGES:
            _final.popitem(last=False)
