"""Who may do what, and where: the one place that answers "may this person do this to this
register?" and "who may?" (for the lists, review queues and notifications that need it).

Roles (mapping/models/memberships.py) are held site-wide or for one register. Reading,
editing links and publishing are a register's business: a person may do them there if
their role in it (the higher of their site-wide one and their own for it) allows. A
framework can be shared by several registers, so editing one (its details, its elements,
retiring it) needs the role site-wide, or in every register that uses it: nobody changes
what another register shows without a say in that register. A framework no register uses
yet is the site's: site-wide roles only. Making registers, making one the site's default
and the admin are the site's too.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from mapping.models import Change, Mapping
from mapping.models.memberships import RANK, Membership, Role, roles_of
from standards.models import Framework

__all__ = [
    "NotSignedIn", "Role", "frameworks_they_may_change", "may", "may_change_framework",
    "may_import_framework", "may_revert", "people_who_may", "registers_where", "require",
]  # fmt: skip


class NotSignedIn(Exception):
    """The action needs a role and nobody is signed in: the answer is the login page
    (mapping/access/middleware.py)."""


def _mapping_id(mapping) -> int | None:
    return mapping if mapping is None or isinstance(mapping, int) else mapping.pk


def may(user, role: Role, mapping=None) -> bool:
    """Whether user holds role in this register (a Mapping or its id), or site-wide
    without one."""
    return roles_of(user).holds(role, _mapping_id(mapping))


def may_change_framework(user, framework, role: Role = Role.EDITOR) -> bool:
    """Whether user may change a framework (its details, its elements): role site-wide, or
    in every register that uses it."""
    roles = roles_of(user)
    if roles.holds(role):
        return True
    if not roles.by_id:  # no role in any register: the site-wide one is all there is
        return False
    users = Mapping.objects.ids_using([framework.pk])
    return bool(users) and all(roles.holds(role, pk) for pk in users)


def frameworks_they_may_change(user, role: Role = Role.EDITOR):
    """The frameworks user may change (see may_change_framework), as a QuerySet."""
    roles = roles_of(user)
    if roles.holds(role):
        return Framework.objects.all()
    theirs = {pk for pk, rank in roles.by_id.items() if rank >= RANK[role]}
    if not theirs:
        return Framework.objects.none()
    users: dict[int, set[int]] = defaultdict(set)
    rows = Mapping.objects.values_list("pk", "source_framework_id", "target_framework_id")
    for pk, *ends in rows:
        for framework_id in ends:
            users[framework_id].add(pk)
    return Framework.objects.filter(pk__in=[f for f, regs in users.items() if regs <= theirs])


def may_import_framework(user) -> bool:
    """Whether the framework import page lets user in: a site-wide editor (a new framework),
    or one who may change some framework (its elements, again from a file)."""
    return may(user, Role.EDITOR) or frameworks_they_may_change(user).exists()


def may_revert(user, change: Change) -> bool:
    """Reverting is a publisher's: in the link's register, or over the framework changed."""
    if change.mapping_id is not None:
        return may(user, Role.PUBLISHER, change.mapping_id)
    framework = change.framework or Framework(pk=change.framework_id)
    return change.framework_id is not None and may_change_framework(user, framework, Role.PUBLISHER)


def require(user, role: Role, mapping=None, *, framework=None) -> None:
    """Go on only if user may: NotSignedIn when nobody is signed in, PermissionDenied (a
    403) for anyone whose role does not reach."""
    if not user.is_authenticated:
        raise NotSignedIn
    allowed = may_change_framework(user, framework, role) if framework is not None else \
        may(user, role, mapping)  # fmt: skip
    if not allowed:
        raise PermissionDenied(_needs(role, mapping, framework))


def _needs(role: Role, mapping, framework) -> str:
    """What the refusal says is needed: a role in this register, or site-wide (or in every
    register using a framework) for what is the site's."""
    name = role.label.lower()
    if framework is not None:
        return (f"This needs the {name} role for the whole site, or in every register that "
                "uses this framework.")  # fmt: skip
    if mapping is None:
        return (f"This needs the {name} role for the whole site: a role in one register "
                "does not reach it.")  # fmt: skip
    return f"This needs the {name} role in this register."


def people_who_may(role: Role, mapping=None) -> QuerySet:
    """Everyone active who holds role in this register (site-wide without one): its
    publishers, say, for a review queue or a notification."""
    holding = Membership.objects.holding(role)
    holding = holding.reaching(_mapping_id(mapping)) if mapping is not None else \
        holding.site_wide()  # fmt: skip
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(Q(is_superuser=True) | Q(pk__in=holding.values("user"))).distinct()


def registers_where(user, role: Role) -> QuerySet:
    """The registers in which user holds role (every one, for a site-wide role)."""
    roles = roles_of(user)
    if roles.holds(role):
        return Mapping.objects.all()
    return Mapping.objects.filter(pk__in=[pk for pk, rank in roles.by_id.items()
                                          if rank >= RANK[role]])  # fmt: skip
