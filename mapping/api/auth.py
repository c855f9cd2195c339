"""Who may read the API: anyone while the site is public (WEAVE_PUBLIC_READ); otherwise
a logged-in session, or a personal token sent as "Authorization: Bearer <token>". A token
sent that the site does not know (revoked, or mistyped) is refused by every operation, even
where none is needed: the caller learns at once that it will not work where one is. (The
description, /api/openapi.json, is no operation: it answers anyone. The reference page,
/api/docs/, gives examples from this site's own registers, so on a private site it asks for
a login, as every page does.) Some operations need more than reading (a register's
suggestions: EditorAuth)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from mapping.models import ApiToken


class TokenAuth(HttpBearer):
    """A personal token, as "Authorization: Bearer <token>". Why one is refused is said in
    the 401 (mapping/api/errors.py): an Authorization header of another kind ("Token …", a
    bare key), a token the site does not know, one that has expired, or one of an account
    deactivated since. HTTP Basic is the sign-in of a proxy in front, passed on: no token."""

    def __call__(self, request: HttpRequest):
        sent = request.headers.get("Authorization", "")
        if sent and not sent.lower().startswith(("bearer ", "basic ")):
            request.weave_refused = "scheme"
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str):
        user = ApiToken.objects.user_for(token, request=request)
        if user is None:
            request.weave_refused, request.weave_refused_token = ApiToken.objects.why_refused(
                token)  # fmt: skip
        return user


class ReaderAuth(TokenAuth):
    openapi_description = (
        "Needed only when the site is private: a personal token, made on your account page."
    )

    def __call__(self, request: HttpRequest):
        sent = request.headers.get("Authorization", "")
        if settings.WEAVE_PUBLIC_READ and (not sent or sent.lower().startswith("basic ")):
            return True  # no token; or the sign-in of a proxy in front (HTTP Basic), passed on
        if not settings.WEAVE_PUBLIC_READ and request.user.is_authenticated:
            return request.user
        return super().__call__(request)


class EditorAuth(TokenAuth):
    """Signed in, by session or by token, whether or not the site is public to read."""

    openapi_description = "A personal token of an editor of the register (or a session)."

    def __call__(self, request: HttpRequest):
        if request.user.is_authenticated:
            return request.user
        return super().__call__(request)
