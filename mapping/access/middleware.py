"""Asking for a role nobody signed in holds answers with the login page, coming back after."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django_htmx.http import HttpResponseClientRedirect

from mapping.access.policy import NotSignedIn


class SignInMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, NotSignedIn):
            return None
        response = redirect_to_login(request.get_full_path())
        if getattr(request, "htmx", False):  # htmx follows with a whole page, not a swap
            return HttpResponseClientRedirect(response["Location"])
        return response
