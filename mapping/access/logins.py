"""Signing in and out, in the audit log (mapping/models/people.py). Failed logins: each is
logged (who, from where, how many in a row) and, after the second in a row, answered more
slowly, half a second more each time; django-axes then locks the account out from that
address (settings: AXES_*), and an address alone is locked out only after many more
failures (WEAVE_LOGIN_ADDRESS_LIMIT), whatever accounts they were for: counted from
django-axes's own records, so that whatever lifts a lockout (`manage.py axes_reset`, the
admin's Access attempts) lifts this one too."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Sum
from django.utils import timezone
from django.utils.module_loading import import_string

from mapping.core.client import client_address

logger = logging.getLogger("weave.logins")
# The backend Django names on the signed-in user (settings.AUTHENTICATION_BACKENDS).
PROVIDER_BACKEND = "mapping.access.oidc.ProviderBackend"


def connect() -> None:
    """After django-axes's own receiver, which counts the failure on the request."""
    user_login_failed.connect(slow_down, dispatch_uid="weave-slow-down")
    user_logged_in.connect(signed_in, dispatch_uid="weave-signed-in")
    user_logged_out.connect(signed_out, dispatch_uid="weave-signed-out")


def _record(action: str, **details) -> None:
    # Found when first called: the models are not loaded when this module is (mapping/apps.py
    # imports it to connect the receivers).
    import_string("mapping.models.people.AuditEntry").objects.record(action, **details)


def signed_in(sender, request, user, **kwargs) -> None:
    provider = getattr(user, "backend", None) == PROVIDER_BACKEND
    _record("signed_in", by=user, person=user, request=request,
            detail="With the identity provider." if provider else "With a password.")  # fmt: skip


def signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        _record("signed_out", by=user, person=user, request=request)


def address_locked(request) -> bool:
    """Whether so many logins have failed from this address, for any accounts, that it
    is locked out (for as long as an account's lockout lasts)."""
    from axes.models import AccessAttempt  # not loaded yet when this module is

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(ip_address=client_address(request) or None,
                                            attempt_time__gte=since)  # fmt: skip
    failures = attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0
    return failures >= settings.WEAVE_LOGIN_ADDRESS_LIMIT


def slow_down(sender, credentials: dict, request=None, **kwargs) -> None:
    _record(
        "sign_in_failed",
        subject=str(credentials.get("username", ""))[:150],
        request=request,
        detail="With a password.",
    )
    if request is None:
        return
    failures = getattr(request, "axes_failures_since_start", 1)
    address = client_address(request) or "?"
    logger.warning("Failed login for %r from %s (%d in a row).",
                   credentials.get("username", ""), address, failures)  # fmt: skip
    if failures > 2:
        time.sleep(min(2.0, (failures - 2) * settings.WEAVE_LOGIN_SLOWDOWN_SECONDS))


def locked_out_names() -> set[str]:
    """Every username (in lower case) locked out of signing in now, from anywhere."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return {name.lower() for name in AccessAttempt.objects.filter(
        attempt_time__gte=since, failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
    ).values_list("username", flat=True) if name}  # fmt: skip


def lockouts(person) -> list:
    """Where this person is locked out of signing in now (django-axes's records of their
    username, whatever its case): each with the address, the failures and the last one."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return list(AccessAttempt.objects.filter(
        username__iexact=person.get_username(), attempt_time__gte=since,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
    ).order_by("-attempt_time"))  # fmt: skip


def unlock(person, *, by, request=None) -> int:
    """Lift every lockout of this person's username (as `manage.py axes_reset_username`
    does), in the audit log; how many addresses were locked."""
    from axes.models import AccessAttempt

    locked = len(lockouts(person))
    AccessAttempt.objects.filter(username__iexact=person.get_username()).delete()
    if locked:
        _record(
            "unlocked",
            by=by,
            person=person,
            request=request,
            detail=f"Signing in unlocked from {locked} address{'es' if locked > 1 else ''}.",
        )
    return locked


def account_name(typed: str | None) -> str | None:
    """The username an account is known by, from what someone typed to sign in: its
    username in any case ("Sam" is sam), or the email address of exactly one account."""
    if not typed:
        return typed
    users = get_user_model().objects
    found = list(users.filter(username__iexact=typed).values_list("username", flat=True)[:2])
    if len(found) != 1 and "@" in typed:
        found = list(users.filter(email__iexact=typed).values_list("username", flat=True)[:2])
    return found[0] if len(found) == 1 else typed


def lockout_name(request, credentials) -> str | None:
    """Whom django-axes counts a failure against (AXES_USERNAME_CALLABLE): the account, however
    its name was typed, so that "SAM", "Sam" and sam's email address share five tries."""
    typed = (credentials or {}).get("username") or getattr(request, "POST", {}).get("username")
    found = account_name(typed)
    return found.lower() if found else found
