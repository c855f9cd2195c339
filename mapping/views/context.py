from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from mapping.caching.pages import CSRF_PLACEHOLDER
from mapping.models import Mapping, Role
from mapping.models.memberships import RANK, roles_of
from mapping.register import LiveRegister
from mapping.views.errors import stranger_on_a_private_site
from mapping.views.review import waiting_count

# Pages across every register that a query narrows to one (?register=<slug>).
ACROSS_REGISTERS = {"changes", "review"}


def _rank_here(request: HttpRequest) -> int:
    """The reader's role where they are: in the page's register (loaded by the view, or
    named by the address of a kept page), or else site-wide."""
    roles = roles_of(request.user)
    register = getattr(request, "register", None)
    if register is not None:
        return roles.rank(register.mapping.pk)
    if hasattr(request, "weave_register_slug"):
        return roles.rank_at(request.weave_register_slug)
    return roles.rank()


def _role_name(rank: int) -> str:
    return next((role.label for role, value in RANK.items() if value == rank), "No role")


def _roles_elsewhere(request: HttpRequest, by_id: dict[int, int]) -> str:
    """What someone with roles in some registers holds, on a page where they hold none: of
    one register ("No role in this register"), or across registers ("Editor in 2
    registers")."""
    if getattr(request, "register", None) is not None or hasattr(request, "weave_register_slug"):
        return "No role in this register"
    count = len(by_id)
    registers = f"{count} register{'s' if count > 1 else ''}"
    ranks = set(by_id.values())
    if len(ranks) == 1:
        return f"{_role_name(ranks.pop())} in {registers}"
    return f"Roles in {registers}"


def register(request: HttpRequest) -> dict:
    """What every page's header needs: the reader's role here, the register the navigation
    leads to (a register page passes its own; other pages get the default mapping's live
    register, none for a stranger on a private site) and, inside an edition, the same page
    in the live register. Each is looked up only if the page shows it. A request refused
    before anyone was known (a host this site is not, too many fields) says nothing of
    the site."""
    if not hasattr(request, "user"):
        return {}
    user = request.user

    def role_label() -> str:
        roles = roles_of(user)
        if roles.superuser:
            return "Administrator"
        rank = _rank_here(request)
        if rank == 0 and roles.by_id:  # roles in some registers, but not here
            return _roles_elsewhere(request, roles.by_id)
        return _role_name(rank)

    def default_register() -> LiveRegister | None:
        """The default register; on a page across registers narrowed to one (the changes,
        the review queue: ?register=<slug>), that one, so its header stays where the
        reader came from."""
        if stranger_on_a_private_site(request):
            return None
        match, named = request.resolver_match, request.GET.get("register")
        across = match is not None and match.url_name in ACROSS_REGISTERS
        mapping = (across and named and Mapping.objects.filter(slug=named).first()) or \
            Mapping.objects.default()  # fmt: skip
        return LiveRegister(mapping) if mapping is not None else None

    def live_page() -> str:
        match = request.resolver_match
        if match is None or "number" not in match.kwargs:
            return ""
        kwargs = {k: v for k, v in match.kwargs.items() if k != "number"}
        try:
            url = reverse(match.view_name, kwargs=kwargs)
        except NoReverseMatch:
            return ""
        query = request.META.get("QUERY_STRING", "")
        return f"{url}?{query}" if query else url

    def review_count() -> int:
        """What waits on this reader's decision, for a publisher anywhere; else nothing."""
        roles = roles_of(user)
        publishes = (
            roles.superuser
            or roles.site >= RANK[Role.PUBLISHER]
            or any(rank >= RANK[Role.PUBLISHER] for rank in roles.by_id.values())
        )
        return waiting_count(user) if user.is_authenticated and publishes else 0

    kept = {}
    if getattr(request, "weave_placeholders", False):  # a page to keep for many readers
        kept = {"weave_placeholders": True, "csrf_token": CSRF_PLACEHOLDER}
    return kept | {
        "can_edit": SimpleLazyObject(lambda: _rank_here(request) >= RANK[Role.EDITOR]),
        "can_publish": SimpleLazyObject(lambda: _rank_here(request) >= RANK[Role.PUBLISHER]),
        "role_label": SimpleLazyObject(role_label),
        "register": SimpleLazyObject(default_register),
        "live_page": SimpleLazyObject(live_page),
        "review_count": SimpleLazyObject(review_count),
        "email_enabled": settings.EMAIL_ENABLED,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
