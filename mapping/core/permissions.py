"""The browser features no page of Weave uses, switched off for every answer (pages, the
API, downloads, error pages, static files): a script that got onto a page could not ask for
the camera, the microphone or where the reader is."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

UNUSED = ("accelerometer", "camera", "display-capture", "geolocation", "gyroscope",
          "magnetometer", "microphone", "midi", "payment", "usb")  # fmt: skip
POLICY = ", ".join(f"{feature}=()" for feature in UNUSED)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", POLICY)
        return response
