"""What a reader sees when something fails on the server. Losing the database (a restart,
a network blip) is a 503 that says to try again in a moment, and the next request gets a
fresh connection; a write that waited too long for a busy database says so, and that its
text was not saved. Anything else is the plain 500 page. None shows a traceback, and none
touches the database."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader


def busy(error: BaseException) -> bool:
    """SQLite's answer when a write could not get the lock in time."""
    return isinstance(error, OperationalError) and "locked" in str(error).lower()


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        html = loader.render_to_string("503.html", {"busy": busy(error)})
        response = HttpResponse(html, status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)
