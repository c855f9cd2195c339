"""Pages kept ready: a page is rendered once per version of its register (mapping/caching/
versioning.py: every change to the register makes a new one; a page of the whole site,
once per version of the site) and kept in the cache (file, local memory or Redis: CACHES),
then served from there, with an ETag and 304s. Pages are kept per variant: anonymous
readers, and signed-in readers by the role they hold in the page's register (a site page:
by all the roles they hold), staff apart; what differs per person (the account area and
the CSRF token) is left as a placeholder in the kept page and filled in for each request.
Live pages are kept per day (a live citation is dated today); an edition's downloads never
change and are kept without a version."""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from mapping.caching.versioning import SITE, register_name, version
from mapping.citing.references import COOKIE as REFERENCES_COOKIE
from mapping.citing.references import count as references_count
from mapping.models import Edition
from mapping.models.memberships import roles_of

CSRF_PLACEHOLDER = "__weave_csrf__"
ACCOUNT_PLACEHOLDER = "<!--weave:account-->"
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")
WEEK = 7 * 24 * 3600
# The pages this process served last, kept in its memory too: a page's key names its
# version, so a kept page is never wrong, only unused once the version moves on.
NEAR_PAGES = 256
_near: OrderedDict[str, dict] = OrderedDict()
_near_lock = threading.Lock()
_digests: dict[tuple[str, int], str] = {}


def _variant(request: HttpRequest, slug: str | None, *, of_register: bool) -> str:
    user = request.user
    if not user.is_authenticated:
        return "anonymous"
    roles = roles_of(user)
    # Site-wide roles alone: the role in the page's register is all a register's page
    # shows. Anyone with a role in some register may also change the frameworks it shares
    # (or not), so their pages are kept by every role they hold.
    if of_register and not roles.by_id:
        held = f"rank{max(roles.rank_at(slug), 1)}"
    else:
        held = roles.signature
    return f"{held}{'-staff' if user.is_staff else ''}"


def _edition_digest(slug: str | None, number: int, *, known_only: bool = False) -> str | None:
    """What an edition froze, named by its digest: one indexed query, remembered (an edition
    never changes). known_only: only if remembered, without asking the database (for
    mapping/caching/early.py; the page's own view always asks)."""
    # Which register "the default" is can change (a write to the site renews its version).
    key = (slug or f"default@{version(SITE)}", number)
    if known_only:
        return _digests.get(key)
    mappings = {"mapping__slug": slug} if slug else {"mapping__is_default": True}
    found = Edition.objects.filter(number=number, **mappings).values_list("digest", flat=True)
    digest = found.first()
    if digest is not None:
        with _near_lock:
            _digests[key] = digest
            while len(_digests) > NEAR_PAGES:
                _digests.pop(next(iter(_digests)))
    return digest or "none"


def _key(request: HttpRequest, variant: str, *, frozen: bool, digest: str, name: str,
         also: str = "") -> str:  # fmt: skip
    # The release too: its ETag, and so a reader's 304, belongs to the release that made it.
    parts = [digest, settings.WEAVE_RELEASE,
        request.scheme, request.get_host(), request.get_full_path(), variant,
        request.headers.get("HX-Request", ""), request.headers.get("HX-Target", ""),
        request.headers.get("HX-History-Restore-Request", ""),
    ]  # fmt: skip
    if not frozen:
        parts += [version(name), timezone.localdate().isoformat()]
        parts += [version(also)] if also else []
    return "weave:page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def cached_page(view=None, *, of_register: bool = False, frozen_when_edition: bool = False,
                site_too: str = ""):  # fmt: skip
    """Keep the view's 200 answers to GET as above. of_register: a page of the register its
    address names (slug, or none for the default one), kept per version of that register
    alone; otherwise a page of the whole site. frozen_when_edition: a download whose
    edition form never changes (no version, no day in its key). site_too: a register's
    live page that shows other registers too, kept per version of the site as well:
    "always", or "at home" (only at the top of the site, the site's home)."""

    def page_key(request: HttpRequest, kwargs: dict, variant: str, *,
                 known_only: bool = False) -> tuple[str | None, bool]:  # fmt: skip
        slug = kwargs.get("slug")
        frozen = frozen_when_edition and kwargs.get("number") is not None
        digest = _edition_digest(slug, kwargs["number"], known_only=known_only) if frozen else ""
        if digest is None:
            return None, frozen
        name = register_name(slug) if of_register else SITE
        live = kwargs.get("number") is None
        at_home = live and slug is None
        also = (
            SITE if (site_too == "always" and live) or (site_too == "at home" and at_home) else ""
        )
        key = _key(request, variant, frozen=frozen, digest=digest, name=name, also=also)
        return key, frozen

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if (request.method not in ("GET", "HEAD") or not settings.WEAVE_PAGE_CACHE
                    or len(get_messages(request))):  # fmt: skip
                return view(request, *args, **kwargs)
            slug = kwargs.get("slug")
            if of_register:  # the header says the reader's role in this register
                request.weave_register_slug = slug
            variant = _variant(request, slug, of_register=of_register)
            key, frozen = page_key(request, kwargs, variant)
            etag = _etag(request, key, variant)
            if variant == "anonymous":  # the whole answer, once made, may be served early
                request.weave_kept_key = key
            if etag in request.headers.get("If-None-Match", ""):
                return _headed(HttpResponseNotModified(), etag, variant, frozen)
            kept = _recall(key)
            if kept is None:
                if variant != "anonymous":
                    request.weave_placeholders = True
                request.GET = asked = _Watched(request.META.get("QUERY_STRING", ""))
                response = view(request, *args, **kwargs)
                if (
                    response.status_code != 200
                    or response.streaming
                    or response.has_header("Cache-Control")
                    or not asked.all_read()
                ):
                    return _filled(request, response)
                kept = _kept(response, variant)
                cache.set(key, kept, None if frozen else WEEK)
                _remember(key, kept)
            return _headed(_served(request, kept), etag, variant, frozen)

        # For mapping/caching/early.py: the key of an anonymous reader's page.
        wrapper.weave_page_key = lambda request, kwargs: page_key(
            request, kwargs, "anonymous", known_only=True
        )
        return wrapper

    return decorate(view) if view is not None else decorate


class _Watched(QueryDict):
    """A query string that notes which of its parameters the page asked for. A page is kept
    only if it asked for all of them: one with parameters it ignores (a tracking tag, a
    made-up name, a different one each time) is made afresh, so that such addresses
    neither fill the cache nor push out the pages people read."""

    def __init__(self, query_string=None, mutable=False, encoding=None) -> None:
        self.read: set[str] = set()
        super().__init__(query_string, mutable=mutable, encoding=encoding)
        self.read.clear()  # filling it in is not asking

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        self.read.add(key)
        return super().__contains__(key)

    def getlist(self, key, default=None):
        self.read.add(key)
        return super().getlist(key, default)

    def all_read(self) -> bool:
        return self.read.issuperset(self.keys())


def forget() -> None:
    """Empty this process's memory of pages (the cache itself is emptied with it)."""
    with _near_lock:
        _near.clear()
        _digests.clear()


def _recall(key: str) -> dict | None:
    with _near_lock:
        kept = _near.get(key)
        if kept is not None:
            _near.move_to_end(key)
            return kept
    kept = cache.get(key)
    if kept is not None:
        _remember(key, kept)
    return kept


def _remember(key: str, kept: dict) -> None:
    with _near_lock:
        _near[key] = kept
        while len(_near) > NEAR_PAGES:
            _near.popitem(last=False)


def _kept(response: HttpResponse, variant: str) -> dict:
    body = response.content
    kept = {"body": body, "headers": {h: response[h] for h in KEPT_HEADERS if h in response}}
    if variant == "anonymous" and len(body) > 1024:
        kept["gzip"] = gzip.compress(body, compresslevel=6, mtime=0)
    return kept


def _served(request: HttpRequest, kept: dict) -> HttpResponse:
    # A reader with a reference list gets the page plain, to have its count filled in
    # (mapping/citing/middleware.py); compressed on the way out as any page is.
    listing = REFERENCES_COOKIE in request.COOKIES
    if "gzip" in kept and "gzip" in request.headers.get("Accept-Encoding", "") and not listing:
        response = HttpResponse(kept["gzip"])
        response["Content-Encoding"] = "gzip"
    else:
        response = _filled(request, HttpResponse(kept["body"]))
    for name, value in kept["headers"].items():
        response[name] = value
    return response


def _filled(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Put this reader's own account area and CSRF token where the kept page has holes."""
    if not getattr(request, "weave_placeholders", False) and request.user.is_anonymous:
        return response
    body = response.content
    if ACCOUNT_PLACEHOLDER.encode() in body:  # first: the area has a form of its own
        area = render_to_string("base.html#account", request=request)
        body = body.replace(ACCOUNT_PLACEHOLDER.encode(), area.strip().encode())
    if CSRF_PLACEHOLDER.encode() in body:
        body = body.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    response.content = body
    return response


def _etag(request: HttpRequest, key: str, variant: str) -> str:
    """The kept page's tag; a reader with a reference list sees its count in the header
    (filled in on the way out), so the count is part of the tag: a 304 never keeps an old one."""
    tag = key[-32:]
    if listed := references_count(request):
        tag = f"{tag}-{listed}"
    return f'"{tag}"' if variant == "anonymous" else f'W/"{tag}"'


def _headed(response: HttpResponse, etag: str, variant: str, frozen: bool) -> HttpResponse:
    response["ETag"] = etag
    reach = "public" if variant == "anonymous" and settings.WEAVE_PUBLIC_READ else "private"
    response["Cache-Control"] = f"{reach}, max-age=31536000, immutable" if frozen else \
        f"{reach}, no-cache"  # fmt: skip
    patch_vary_headers(response, ["Cookie", "HX-Request", "HX-Target", "Accept-Encoding"])
    return response
