"""Weave's read-only API (django-ninja), under /api/: every register, live or at an
edition, its frameworks and elements, links, coverage and editions; and CASE 1.0's read
endpoints. The OpenAPI description is at /api/openapi.json; the reference page, in the
site's own layout, at /api/docs/."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from mapping.api import errors
from mapping.api.auth import ReaderAuth
from mapping.api.frameworks import case
from mapping.api.frameworks import router as frameworks
from mapping.api.registers import router as registers
from mapping.api.suggestions import router as suggestions


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # “B1 → INT”, as written


api = NinjaAPI(
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
