"""Who may read the API: anyone while the site is public (WEAVE_PUBLIC_READ); otherwise
a logged-in session, or a personal token sent as "Authorization: Bearer <token>"."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from mapping.models import ApiToken


class ReaderAuth(HttpBearer):
    openapi_description = (
        "Needed only when the site is private: a personal token, made on your account page."
    )

    def __call__(self, request: HttpRequest):
        if settings.WEAVE_PUBLIC_READ:
            return True
        if request.user.is_authenticated:
            return request.user
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str):
        return ApiToken.objects.user_for(token)
