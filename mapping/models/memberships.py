"""Who holds which role, for the whole site or for one register.

Viewers read. Editors also create, edit and retire links, elements and frameworks, and
propose links for approval. Publishers also approve links, revert changes and publish
editions. Each role includes the ones before it. A membership gives one person one role,
site-wide (no register) or in one register; a person's role in a register is the higher of
the two, and a superuser (an administrator) holds every role everywhere. What each role
may do where is mapping/access/policy.py's to say.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    PUBLISHER = "publisher", "Publisher"

    @property
    def rank(self) -> int:
        return RANK[self]

    @classmethod
    def at_least(cls, role: Role) -> list[str]:
        """This role and those above it: whoever holds one of them may do what it may."""
        return [other.value for other in cls if RANK[other] >= RANK[role]]


RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.PUBLISHER: 3}


class MembershipQuerySet(models.QuerySet):
    def site_wide(self) -> MembershipQuerySet:
        return self.filter(mapping__isnull=True)

    def holding(self, role: Role) -> MembershipQuerySet:
        """Memberships that give role or one above it."""
        return self.filter(role__in=Role.at_least(role))

    def reaching(self, mapping_id: int | None) -> MembershipQuerySet:
        """Memberships that count in this register: site-wide ones and its own."""
        return self.filter(Q(mapping__isnull=True) | Q(mapping_id=mapping_id))


class Membership(models.Model):
    """One person's role, for the whole site or for one register."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    mapping = models.ForeignKey(
        "mapping.Mapping",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="register",
        help_text="Leave empty for the whole site.",
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user", "mapping"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(mapping__isnull=True), name="membership_site_once"
            ),
            models.UniqueConstraint(
                fields=["user", "mapping"],
                condition=Q(mapping__isnull=False),
                name="membership_register_once",
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        where = self.mapping.name if self.mapping_id else "the whole site"
        return f"{self.user} is {Role(self.role).label.lower()} of {where}"


class Roles:
    """What one person holds, read in one query and kept on the user for the request."""

    def __init__(self, user) -> None:
        self.superuser = bool(user.is_active and user.is_superuser)
        self.site = 0
        self.by_id: dict[int, int] = {}
        self.by_slug: dict[str, int] = {}
        self.default = 0
        if not user.is_authenticated or not user.is_active or self.superuser:
            return
        rows = Membership.objects.filter(user=user).values_list(
            "mapping_id", "mapping__slug", "mapping__is_default", "role"
        )
        for mapping_id, slug, is_default, role in rows:
            rank = RANK[Role(role)]
            if mapping_id is None:
                self.site = max(self.site, rank)
                continue
            self.by_id[mapping_id] = self.by_slug[slug] = rank
            if is_default:
                self.default = rank

    def rank(self, mapping_id: int | None = None) -> int:
        """The highest role held in this register (site-wide without one), as a number."""
        if self.superuser:
            return RANK[Role.PUBLISHER]
        return max(self.site, self.by_id.get(mapping_id, 0) if mapping_id else 0)

    def rank_at(self, slug: str | None) -> int:
        """The same, for the register an address names (the default one without a slug)."""
        if self.superuser:
            return RANK[Role.PUBLISHER]
        return max(self.site, self.by_slug.get(slug, 0) if slug else self.default)

    def holds(self, role: Role, mapping_id: int | None = None) -> bool:
        return self.rank(mapping_id) >= RANK[role]

    @property
    def signature(self) -> str:
        """The roles as a short text: people who hold the same roles see the same pages."""
        if self.superuser:
            return "admin"
        per_register = ",".join(f"{pk}:{rank}" for pk, rank in sorted(self.by_id.items()))
        return f"site{self.site}" + (f"+{per_register}" if per_register else "")


def roles_of(user) -> Roles:
    """The user's roles, read once per request (kept on the user object)."""
    found = getattr(user, "_weave_roles", None)
    if found is None:
        found = Roles(user)
        if user.is_authenticated:
            user._weave_roles = found
    return found
