"""What a reader sees when something fails on the server. Losing the database or the
cache (a restart, a network blip) is a 503 that says to try again in a moment, and the
next request gets a fresh connection; a write that waited too long for a busy database
says so, and that its text was not saved. Anything else is the plain 500 page. None shows
a traceback, and none touches the database. On a private site, a visitor who has not
signed in gets error pages that say nothing about what the site holds: no register,
organisation or attribution. The API's are in JSON, as its other answers are."""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from mapping.views.lookups import NoRegisterYet


def busy(error: BaseException) -> bool:
    """SQLite's answer when a write could not get the lock in time."""
    return isinstance(error, OperationalError) and "locked" in str(error).lower()


# What is gone for a moment, not broken: the database, or the cache every server shares.
UNAVAILABLE = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    api = request.path.startswith("/api/")
    if isinstance(error, UNAVAILABLE):
        if api:
            response = JsonResponse({"detail": "Try again in a moment.", "parameter": None},
                                    status=503)  # fmt: skip
        else:
            cache = isinstance(error, RedisConnectionError | RedisTimeoutError)
            html = loader.render_to_string("503.html", {
                "busy": busy(error), "unreachable": "cache" if cache else "database"})  # fmt: skip
            response = HttpResponse(html, status=503)
        response["Retry-After"] = "5"
        return response
    if api:
        return JsonResponse({"detail": "Something went wrong on the server; it has been logged.",
                             "parameter": None}, status=500)  # fmt: skip
    return HttpResponse(loader.render_to_string("500.html"), status=500)


def stranger_on_a_private_site(request: HttpRequest) -> bool:
    """A visitor who has not signed in, on a site only its people may read: no page they
    can reach (errors, logging in, an invitation) names what the site holds."""
    user = getattr(request, "user", None)
    return not settings.WEAVE_PUBLIC_READ and not (user and user.is_authenticated)


def _plain(request: HttpRequest, title: str, said: str, status: int) -> HttpResponse:
    html = loader.render_to_string("plain_error.html", {"title": title, "said": said},
                                   request=request)  # fmt: skip
    return HttpResponse(html, status=status)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if stranger_on_a_private_site(request):
        return _plain(request, "Page not found", "There is nothing at this address.", 404)
    if isinstance(exception, NoRegisterYet):  # a register's page, on a site with none yet
        return render(request, "404.html", {"no_register": True}, status=404)
    return defaults.page_not_found(request, exception)


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    if stranger_on_a_private_site(request):
        return _plain(request, "Not allowed", "Log in to see this site.", 403)
    return defaults.permission_denied(request, exception)


# Requests whose query, body or host cannot be read at all: their page reads none of them.
UNREADABLE = (DisallowedHost, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, UNREADABLE):
        said = {
            DisallowedHost: "This site does not answer at that address.",
            RequestDataTooBig: "That was more than this site takes in one request.",
        }.get(type(exception), "That request had more fields or files than this site takes.")
        html = loader.render_to_string("plain_error.html", {"title": "Bad request", "said": said})
        return HttpResponse(html, status=400)
    if stranger_on_a_private_site(request):
        return _plain(request, "Bad request", "This request could not be understood.", 400)
    return defaults.bad_request(request, exception)


CSRF_SAID = (
    "This form could not be sent: it was opened before you last logged in or out, or too "
    "long ago. Nothing was saved. Copy anything you typed, go back, reload the page and "
    "send it again."
)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form whose security token no longer matches (CSRF_FAILURE_VIEW): said in words,
    with what to do, rather than Django's page for developers."""
    if stranger_on_a_private_site(request):
        return _plain(request, "Form expired", CSRF_SAID, 403)
    html = loader.render_to_string("403.html", {"exception": CSRF_SAID}, request=request)
    return HttpResponse(html, status=403)
