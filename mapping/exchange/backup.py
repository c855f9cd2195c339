"""A backup of the whole site: the register document (every framework, register, edition
and the history: mapping/exchange/register_json.py) with the accounts that use it, their
roles (site-wide and per register), password hashes and API tokens, and what else is kept of
them (what they are emailed about, invitations, the audit log: backup_people.py). Restored
into an empty database (SQLite or PostgreSQL) it is the same site: people log in as before
and every permalink holds. Uploads waiting in an import, login attempts, sessions, emails
waiting to be sent and queued tasks are not kept."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from mapping.exchange.backup_people import PeopleRecords, people_records, restore_people
from mapping.exchange.register_json.restore import NotEmpty, restore
from mapping.exchange.register_json.schema import RegisterDocument
from mapping.exchange.register_json.writer import live_document
from mapping.exchange.schemas import Payload
from mapping.models import ApiToken, Mapping, Membership, Role

# Version 1 kept roles as the Django groups of the same names: each becomes a site-wide role.
ROLE_ORDER = [Role.VIEWER, Role.EDITOR, Role.PUBLISHER]


class RoleRecord(Payload):
    mapping: str | None = None  # the register's slug; None for the whole site
    role: Role


class AccountRecord(Payload):
    id: int
    username: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    password: str  # the hash, as Django keeps it
    is_active: bool
    is_staff: bool
    is_superuser: bool
    date_joined: datetime
    last_login: datetime | None = None
    groups: list[str] = []  # version 1: the roles, as group names
    roles: list[RoleRecord] = []


class TokenRecord(Payload):
    username: str
    name: str
    prefix: str
    digest: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    expires_at: datetime | None = None  # a backup before tokens expired: never


class Backup(Payload):
    format: Literal["weave-backup"] = "weave-backup"
    version: Literal[1, 2, 3] = 3  # 3: with what is kept of people beyond their accounts
    made_at: datetime
    accounts: list[AccountRecord]
    tokens: list[TokenRecord] = []
    people: PeopleRecords = PeopleRecords()
    site: RegisterDocument  # every framework, register, edition and the history


def make_backup() -> Backup:
    User = get_user_model()
    users = User.objects.prefetch_related("memberships__mapping").order_by("pk")
    tokens = ApiToken.objects.select_related("user").order_by("pk")
    return Backup(
        made_at=timezone.now(),
        accounts=[
            AccountRecord(
                id=u.pk, username=u.get_username(), email=u.email, first_name=u.first_name,
                last_name=u.last_name, password=u.password, is_active=u.is_active,
                is_staff=u.is_staff, is_superuser=u.is_superuser, date_joined=u.date_joined,
                last_login=u.last_login,
                roles=[RoleRecord(mapping=m.mapping.slug if m.mapping else None, role=m.role)
                       for m in u.memberships.all()],
            )
            for u in users
        ],
        tokens=[
            TokenRecord(username=t.user.get_username(), name=t.name, prefix=t.prefix,
                        digest=t.digest, created_at=t.created_at, last_used_at=t.last_used_at,
                        revoked_at=t.revoked_at, expires_at=t.expires_at)
            for t in tokens
        ],
        people=people_records(),
        site=live_document(Mapping.objects.order_by("pk"), whole_site=True),
    )  # fmt: skip


@transaction.atomic
def restore_backup(backup: Backup) -> dict[str, int]:
    """Everything in the backup, into an empty database; any error and nothing is written."""
    User = get_user_model()
    if User.objects.exists():
        raise NotEmpty("The database already has accounts: restore into an empty one.")
    for record in backup.accounts:
        User(**record.model_dump(exclude={"groups", "roles"})).save()
    statements = connection.ops.sequence_reset_sql(no_style(), [User])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    counts = restore(backup.site)
    by_name = {u.get_username(): u for u in User.objects.all()}
    _restore_roles(backup.accounts, by_name)
    made = ApiToken.objects.bulk_create(
        ApiToken(user=by_name[t.username], **t.model_dump(exclude={"username"}))
        for t in backup.tokens
    )  # fmt: skip
    # created_at is set on creation; put back the dates the tokens were made.
    for token, record in zip(made, backup.tokens, strict=True):
        ApiToken.objects.filter(pk=token.pk).update(created_at=record.created_at)
    people = restore_people(backup.people, by_name)
    return {"accounts": len(backup.accounts), "tokens": len(backup.tokens), **counts, **people}


def _restore_roles(accounts: list[AccountRecord], by_name: dict) -> None:
    """Each account's roles, after the registers they name; a version 1 backup's groups as
    the highest of them, site-wide."""
    mappings = {mapping.slug: mapping for mapping in Mapping.objects.all()}
    memberships = []
    for record in accounts:
        user = by_name[record.username]
        held = [Role(name) for name in record.groups if name in Role.values]
        if held:
            top = max(held, key=ROLE_ORDER.index)
            memberships.append(Membership(user=user, mapping=None, role=top))
        memberships += [
            Membership(user=user, mapping=mappings.get(r.mapping) if r.mapping else None,
                       role=r.role)
            for r in record.roles
            if r.mapping is None or r.mapping in mappings
        ]  # fmt: skip
    Membership.objects.bulk_create(memberships)
