from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from mapping.access.roles import Role, has_role, role_label
from mapping.caching.pages import CSRF_PLACEHOLDER
from mapping.models import Mapping
from mapping.register.registers import LiveRegister


def register(request: HttpRequest) -> dict:
    """What every page's header needs: the reader's role, the register the navigation
    leads to (a register page passes its own; other pages get the default mapping's live
    register) and, inside an edition, the same page in the live register. Each is looked
    up only if the page shows it."""
    user = request.user

    def default_register() -> LiveRegister | None:
        mapping = Mapping.objects.default()
        return LiveRegister(mapping) if mapping is not None else None

    def live_page() -> str:
        match = request.resolver_match
        if match is None or "number" not in match.kwargs:
            return ""
        kwargs = {k: v for k, v in match.kwargs.items() if k not in ("number", "side")}
        try:
            url = reverse(match.view_name, kwargs=kwargs)
        except NoReverseMatch:
            return ""
        query = request.META.get("QUERY_STRING", "")
        return f"{url}?{query}" if query else url

    kept = {}
    if getattr(request, "weave_placeholders", False):  # a page to keep for many readers
        kept = {"weave_placeholders": True, "csrf_token": CSRF_PLACEHOLDER}
    return kept | {
        "can_edit": SimpleLazyObject(lambda: has_role(user, Role.EDITOR)),
        "can_publish": SimpleLazyObject(lambda: has_role(user, Role.PUBLISHER)),
        "role_label": SimpleLazyObject(lambda: role_label(user)),
        "register": SimpleLazyObject(default_register),
        "live_page": SimpleLazyObject(live_page),
        "email_enabled": settings.EMAIL_ENABLED,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
