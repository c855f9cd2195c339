"""Every error the API gives is JSON that says what is wrong and, where one parameter is
at fault, names it: {"detail": "…", "parameter": "page"}."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError


class BadParameter(Exception):
    """A parameter at fault: a 400, or a 404 where its value names what is not there (a
    schema-valid request that finds nothing)."""

    def __init__(self, parameter: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.parameter, self.message, self.status = parameter, message, status


def _said(error: dict) -> tuple[str | None, str]:
    """A pydantic error about a parameter, in words, with the parameter's name."""
    location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
    name = location[-1] if location else None
    if name and name.isdigit() and len(location) > 1:
        name = location[-2]
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    if error.get("type") == "missing":
        message = "Give this parameter."
    return name, f"{name}: {message}" if name else message


def install(api: NinjaAPI) -> None:
    @api.exception_handler(BadParameter)
    def bad_parameter(request: HttpRequest, error: BadParameter) -> HttpResponse:
        detail = f"{error.parameter}: {error.message}"
        return api.create_response(request, {"detail": detail, "parameter": error.parameter},
                                   status=error.status)  # fmt: skip

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
        parameter, detail = _said(error.errors[0]) if error.errors else (None, "Not valid.")
        return api.create_response(request, {"detail": detail, "parameter": parameter},
                                   status=400)  # fmt: skip

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        return api.create_response(request, {"detail": str(error), "parameter": None},
                                   status=error.status_code)  # fmt: skip

    @api.exception_handler(AuthenticationError)
    def unauthorised(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        refused = getattr(request, "weave_refused", "")
        if refused == "scheme":
            detail = ("The Authorization header is not “Bearer <token>”: send a personal API "
                      "token (make one on your account page) as “Authorization: Bearer "
                      "<token>”, or no Authorization header at all.")  # fmt: skip
        elif refused == "inactive":
            detail = ("The token sent belongs to an account that has been deactivated: ask "
                      "an administrator of this site.")  # fmt: skip
        elif refused == "expired":
            when = date_format(timezone.localtime(request.weave_refused_token.expires_at),
                               "j F Y")  # fmt: skip
            detail = (f"The token sent expired on {when}: make a new one on your account "
                      "page.")  # fmt: skip
        elif refused == "unknown":
            detail = ("The token sent is not one this site knows: it was revoked, or is "
                      "mistyped. Make a new one on your account page.")  # fmt: skip
        else:
            why = ("Only a register's editors see its suggestions" if settings.WEAVE_PUBLIC_READ
                   else "This site is private")  # fmt: skip
            detail = (f"{why}: send a personal API token (make one on your account page) as "
                      "“Authorization: Bearer <token>”.")  # fmt: skip
        response = api.create_response(request, {"detail": detail, "parameter": None},
                                       status=401)  # fmt: skip
        response["WWW-Authenticate"] = 'Bearer realm="weave"'
        return response
