"""What a backup keeps of the people who use the site, beyond their accounts and roles
(mapping/exchange/backup.py): what each asked to be emailed about, the invitations still
standing or used, and the audit log (/people/log/). Each names people by username and
registers by slug, so that it is restored whatever ids the new database gives them."""

from __future__ import annotations

from datetime import datetime

from mapping.exchange.schemas import Payload
from mapping.models import Invitation, Mapping
from mapping.models.notices import Preferences, Watch
from mapping.models.people import AuditEntry


class PreferenceRecord(Payload):
    username: str
    proposals: bool


class WatchRecord(Payload):
    username: str
    mapping: str  # the register's slug
    editions: bool
    digest: bool


class InvitationRecord(Payload):
    email: str
    role: str
    mapping: str | None = None  # None: the whole site
    digest: str  # of the one-time key: the key itself is never kept
    invited_by: str | None = None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None = None
    accepted_by: str | None = None
    withdrawn_at: datetime | None = None


class AuditRecord(Payload):
    at: datetime
    action: str
    actor: str | None = None
    actor_name: str = ""
    person: str | None = None
    subject: str = ""
    detail: str = ""
    address: str = ""


class PeopleRecords(Payload):
    preferences: list[PreferenceRecord] = []
    watches: list[WatchRecord] = []
    invitations: list[InvitationRecord] = []
    audit: list[AuditRecord] = []


def _name(user) -> str | None:
    return user.get_username() if user is not None else None


def people_records() -> PeopleRecords:
    preferences = Preferences.objects.select_related("user").order_by("pk")
    watches = Watch.objects.select_related("user", "mapping").order_by("pk")
    invitations = Invitation.objects.select_related("mapping", "invited_by", "accepted_by")
    audit = AuditEntry.objects.select_related("actor", "person").order_by("at", "pk")
    return PeopleRecords(
        preferences=[PreferenceRecord(username=p.user.get_username(), proposals=p.proposals)
                     for p in preferences],
        watches=[WatchRecord(username=w.user.get_username(), mapping=w.mapping.slug,
                             editions=w.editions, digest=w.digest) for w in watches],
        invitations=[
            InvitationRecord(
                email=i.email, role=i.role, mapping=i.mapping.slug if i.mapping else None,
                digest=i.digest, invited_by=_name(i.invited_by), created_at=i.created_at,
                expires_at=i.expires_at, accepted_at=i.accepted_at,
                accepted_by=_name(i.accepted_by), withdrawn_at=i.withdrawn_at,
            )
            for i in invitations.order_by("pk")
        ],
        audit=[
            AuditRecord(at=e.at, action=e.action, actor=_name(e.actor), actor_name=e.actor_name,
                        person=_name(e.person), subject=e.subject, detail=e.detail,
                        address=e.address)
            for e in audit
        ],
    )  # fmt: skip


def restore_people(records: PeopleRecords, by_name: dict) -> dict[str, int]:
    """The records, after the accounts (by_name: each account by its username) and the
    registers; a record naming a register the backup does not hold is left out."""
    mappings = {mapping.slug: mapping for mapping in Mapping.objects.all()}
    Preferences.objects.bulk_create(
        Preferences(user=by_name[p.username], proposals=p.proposals)
        for p in records.preferences
    )  # fmt: skip
    Watch.objects.bulk_create(
        Watch(user=by_name[w.username], mapping=mappings[w.mapping], editions=w.editions,
              digest=w.digest)
        for w in records.watches
        if w.mapping in mappings
    )  # fmt: skip
    Invitation.objects.bulk_create(
        Invitation(**i.model_dump(exclude={"mapping", "invited_by", "accepted_by"}),
                   mapping=mappings.get(i.mapping) if i.mapping else None,
                   invited_by=by_name.get(i.invited_by), accepted_by=by_name.get(i.accepted_by))
        for i in records.invitations
        if i.mapping is None or i.mapping in mappings
    )  # fmt: skip
    AuditEntry.objects.bulk_create(
        AuditEntry(**e.model_dump(exclude={"actor", "person"}), actor=by_name.get(e.actor),
                   person=by_name.get(e.person))
        for e in records.audit
    )  # fmt: skip
    return {"watches": len(records.watches), "invitations": len(records.invitations),
            "audit entries": len(records.audit)}  # fmt: skip
