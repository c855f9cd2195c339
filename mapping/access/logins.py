"""Failed logins: each is logged (who, from where, how many in a row) and, after the
second in a row, answered more slowly, half a second more each time; django-axes then
locks the account and the address out (settings: AXES_*)."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.auth.signals import user_login_failed

logger = logging.getLogger("weave.logins")


def connect() -> None:
    """After django-axes's own receiver, which counts the failure on the request."""
    user_login_failed.connect(slow_down, dispatch_uid="weave-slow-down")


def slow_down(sender, credentials: dict, request=None, **kwargs) -> None:
    if request is None:
        return
    failures = getattr(request, "axes_failures_since_start", 1)
    address = request.META.get("REMOTE_ADDR", "?")
    logger.warning("Failed login for %r from %s (%d in a row).",
                   credentials.get("username", ""), address, failures)  # fmt: skip
    if failures > 2:
        time.sleep(min(2.0, (failures - 2) * settings.WEAVE_LOGIN_SLOWDOWN_SECONDS))
