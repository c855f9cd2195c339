"""Who may do what: three roles, held as Django groups that a migration creates.

Viewers read. Editors also create, edit and retire links, elements and frameworks, and
propose links for approval. Publishers also approve links, revert changes and publish
editions. Each role includes the ones before it; a superuser holds them all.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django_htmx.http import HttpResponseClientRedirect


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    PUBLISHER = "publisher", "Publisher"


RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.PUBLISHER: 3}


def role_rank(user) -> int:
    """The highest role the user holds, as a number (0 for none); one query, then cached."""
    if not user.is_authenticated or not user.is_active:
        return 0
    if user.is_superuser:
        return RANK[Role.PUBLISHER]
    if not hasattr(user, "_weave_role_rank"):
        names = user.groups.filter(name__in=Role.values).values_list("name", flat=True)
        user._weave_role_rank = max((RANK[Role(name)] for name in names), default=0)
    return user._weave_role_rank


def has_role(user, role: Role) -> bool:
    return role_rank(user) >= RANK[role]


def role_label(user) -> str:
    rank = role_rank(user)
    if user.is_superuser:
        return "Administrator"
    return next((role.label for role, value in RANK.items() if value == rank), "No role")


def role_required(role: Role) -> Callable:
    """Let the view run only for users holding role: anonymous users are sent to log in
    (htmx requests by a full-page redirect), anyone else without it gets a 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                response = redirect_to_login(request.get_full_path())
                if getattr(request, "htmx", False):
                    return HttpResponseClientRedirect(response["Location"])
                return response
            if not has_role(request.user, role):
                raise PermissionDenied(f"This needs the {role.label.lower()} role.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
