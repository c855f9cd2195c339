"""Weave's read-only API (django-ninja), under /api/: every register, live or at an
edition, its frameworks and elements, links, coverage and editions; and CASE 1.0's read
endpoints. The OpenAPI description is at /api/openapi.json; the reference page, in the
site's own layout, at /api/docs/."""

from __future__ import annotations

from django.conf import settings
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from mapping.api import errors
from mapping.api.auth import ReaderAuth
from mapping.api.frameworks import case
from mapping.api.frameworks import router as frameworks
from mapping.api.registers import router as registers
from mapping.api.suggestions import router as suggestions

NO_NUL = "^[^\\x00]*$"


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # “B1 → INT”, as written


class Api(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """As the site is configured: on a public site the reader's token is optional
        (`[{}, {"ReaderAuth": []}]`), so a client may call without one; on a private site
        it is required. An editor's token (suggestions) is required either way. A text
        query parameter holds no NUL character (one is a 400: mapping/api/http.py)."""
        description = super().get_openapi_schema(**kwargs)
        for methods in description["paths"].values():
            for operation in methods.values():
                for parameter in operation.get("parameters", []):
                    if parameter["in"] == "query":
                        _no_nul(parameter.get("schema", {}))
        if settings.WEAVE_PUBLIC_READ:
            for methods in description["paths"].values():
                for operation in methods.values():
                    if operation.get("security") == [{"ReaderAuth": []}]:
                        operation["security"] = [{}, {"ReaderAuth": []}]
        return description


def _no_nul(schema: dict) -> None:
    """A text parameter's schema (or an optional one's text branch) says: no NUL."""
    for kind in [schema, *schema.get("anyOf", [])]:
        if kind.get("type") == "string" and "enum" not in kind:
            kind.setdefault("pattern", NO_NUL)


api = Api(
    title="Weave",
    version="1",
    description=(
        "Read-only access to this site's registers: which behaviours cover which "
        "standards, and why. Every register is read live, or as one of its editions with "
        "`?edition=N` (an edition never changes). Responses carry an ETag and Last-Modified "
        "for conditional requests. Reading needs no token unless the site is private; then "
        "send a personal token, made on your account page, as `Authorization: Bearer …`."
    ),
    auth=ReaderAuth(),
    renderer=Renderer(),
    urls_namespace="api",
    docs_url=None,  # the reference page is the site's own: mapping/views/api_docs.py
)
errors.install(api)
api.add_router("", registers)
api.add_router("", suggestions)
api.add_router("", frameworks)
api.add_router("/ims/case/v1p0", case)
