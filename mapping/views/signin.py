"""Signing in through the organisation's identity provider (mapping/access/oidc.py): the
start, which sends the browser to the provider with state, nonce and a PKCE challenge, and
the callback, which checks them and the provider's token. Anything that goes wrong is a
page that says what, never a 500; each failure is in the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.generic import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from mapping.access.oidc import ProviderDown, SignInRefused, discovery, enabled
from mapping.models.people import Audit, AuditEntry

DOWN = ("The identity provider cannot be reached just now, so signing in with it is not "
        "possible. Try again in a few minutes; if it goes on, tell your IT team.")  # fmt: skip
NOT_HERE = ("This sign-in did not start on this site, or has already finished. Start again "
            "from the sign-in page.")  # fmt: skip
DID_NOT_WORK = (
    "Signing in with the identity provider did not work. Start again from the sign-in page."
)


def _failed(request: HttpRequest, problem: str, status: int) -> HttpResponse:
    AuditEntry.objects.record(Audit.SIGN_IN_FAILED, request=request,
                              detail=f"With the identity provider: {problem}")  # fmt: skip
    return render(request, "registration/signin_failed.html", {"problem": problem},
                  status=status)  # fmt: skip


class Start(OIDCAuthenticationRequestView):
    def __init__(self, **kwargs) -> None:  # the endpoint comes from discovery(), per request
        View.__init__(self, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not enabled():
            raise Http404("This site signs in with passwords only.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = discovery()["authorization_endpoint"]
        except ProviderDown:
            return _failed(request, DOWN, 503)
        return super().get(request)


class Callback(OIDCAuthenticationCallbackView):
    def get(self, request):
        if not enabled():
            raise Http404("This site signs in with passwords only.")
        state = request.GET.get("state")
        if "error" not in request.GET and (
            not state or state not in request.session.get("oidc_states", {})
        ):
            return _failed(request, NOT_HERE, 400)
        try:
            return super().get(request)
        except ProviderDown:
            return _failed(request, DOWN, 503)
        except SignInRefused as refused:
            return _failed(request, str(refused), 400)
        except SuspiciousOperation:
            return _failed(request, "The identity provider's answer could not be checked. "
                                    "Start again from the sign-in page.", 400)  # fmt: skip

    def login_failure(self):
        user = getattr(self, "user", None)
        if user is not None and not user.is_active:
            return _failed(self.request, "Your Weave account is deactivated: ask an "
                                         "administrator.", 403)  # fmt: skip
        return _failed(self.request, DID_NOT_WORK, 400)


oidc_start = login_not_required(Start.as_view())
oidc_callback = login_not_required(Callback.as_view())
