"""Who is asking: the visitor's address, as the audit log, the login throttle and
django-axes read it (settings.AXES_CLIENT_IP_CALLABLE)."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """REMOTE_ADDR; behind WEAVE_PROXY_COUNT reverse proxies of the site's own, the address
    the outermost of them saw: X-Forwarded-For's entry that many places from its end (each
    proxy adds the address it was called from). Entries further left are the visitor's
    own say-so, and are never taken; a request that did not come through every proxy
    (too few entries, or one that is not an address) is read by REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.WEAVE_PROXY_COUNT
    if not count:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote
