"""Live links: claims that an element of one framework (a behaviour, say) relates to an
element of another (a standard), edited, reviewed and retired with their history."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from mapping.models.history import Change
from mapping.models.link_rows import LinkClaim, LinkRowQuerySet, LinkStatus, Relation
from mapping.models.memberships import Role, roles_of
from standards.models import Element
from standards.text import refuse_unprintable


class LinkQuerySet(LinkRowQuerySet):
    def current(self) -> LinkQuerySet:
        """The links the live register shows: everything but retired links."""
        return self.exclude(status=LinkStatus.RETIRED)

    def approved(self) -> LinkQuerySet:
        """The links an edition takes."""
        return self.filter(status=LinkStatus.APPROVED)

    def with_status(self, status: str) -> LinkQuerySet:
        return self.filter(status=status)

    def awaiting_since(self, edition) -> LinkQuerySet:
        """Links the edition published that have gone back to draft or proposed since (an
        editor's edit, a send-back): the next edition leaves them out unless approved."""
        published = edition.links.values("link_id") if edition is not None else []
        return self.filter(status__in=[LinkStatus.DRAFT, LinkStatus.PROPOSED], pk__in=published)

    def retired_since(self, edition) -> LinkQuerySet:
        """Links the edition published that have been retired since (by anyone who may
        edit them): the next edition leaves them out."""
        published = edition.links.values("link_id") if edition is not None else []
        return self.filter(status=LinkStatus.RETIRED, pk__in=published)

    def awaiting_decision(self) -> LinkQuerySet:
        """Links waiting on a publisher: proposed ones, and drafts accepted from a
        suggestion (they came from a list, not from an editor's own hand)."""
        return self.filter(Q(status=LinkStatus.PROPOSED)
                           | (Q(status=LinkStatus.DRAFT) & ~Q(accepted_from={})))  # fmt: skip

    def accepted_from_suggestions(self) -> LinkQuerySet:
        """Current links accepted from a suggestion (their path may since have changed)."""
        return self.current().exclude(accepted_from={})

    def touching(self, element_ids: set[int]) -> LinkQuerySet:
        return self.filter(Q(source_id__in=element_ids) | Q(target_id__in=element_ids))

    def with_elements(self) -> LinkQuerySet:
        return self.select_related(
            "mapping", "source__framework", "source__parent", "target__framework",
            "target__parent",
        )  # fmt: skip

    def status_counts(self) -> dict[str, int]:
        """How many links there are of each status, every status named (0 if none)."""
        counts = dict(self.order_by().values_list("status").annotate(n=Count("pk")))
        return {status: counts.get(status, 0) for status in LinkStatus.values}

    def create_draft(
        self, mapping, *, source: Element, target: Element, by, propose: bool = False, **claim
    ) -> Link:
        """A new link, as a draft (or proposed straight away), recorded in the history."""
        link = self.model(
            mapping=mapping,
            source=source,
            target=target,
            status=LinkStatus.PROPOSED if propose else LinkStatus.DRAFT,
            created_by=by,
            updated_by=by,
            **claim,
        )
        Change.objects.save_new(link, by=by)
        return link


class Link(LinkClaim):
    """A claim that a source element relates to a target element, with the reason why."""

    mapping = models.ForeignKey("mapping.Mapping", on_delete=models.PROTECT, related_name="links")
    source = models.ForeignKey(Element, on_delete=models.PROTECT, related_name="links_as_source")
    target = models.ForeignKey(Element, on_delete=models.PROTECT, related_name="links_as_target")
    status = models.CharField(max_length=10, choices=LinkStatus.choices, default=LinkStatus.DRAFT)
    retired_reason = models.TextField(
        "why it was retired", blank=True, max_length=2_000, validators=[refuse_unprintable]
    )
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Where an accepted suggestion came from: {"kind": "inferred", "paths": [{"first": id,
    # "first_relation": …, "second": id, "second_relation": …}, …]} or {"kind": "lexical",
    # "words": […]}; empty for a link someone made from scratch. A path that has changed
    # since flags the link for review (mapping/suggesting/origins.py).
    accepted_from = models.JSONField(default=dict, blank=True, editable=False)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mapping", "source", "target"], name="link_pair_unique"
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="link_rationale_required"),
            models.CheckConstraint(
                condition=Q(relation__in=Relation.values), name="link_relation_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=LinkStatus.values), name="link_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=LinkStatus.RETIRED) | ~Q(retired_reason=""),
                name="link_retired_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["mapping", "target"], name="link_by_target_id"),
            # One per sort of the link table, so that a page is read in order from an index.
            models.Index(
                fields=["mapping", "source_rank", "target_rank", "id"],
                name="link_by_source",
            ),
            models.Index(
                fields=["mapping", "target_rank", "source_rank", "id"], name="link_by_target"
            ),
            models.Index(
                fields=["mapping", "relation_rank", "source_rank", "target_rank", "id"],
                name="link_by_relation",
            ),
            models.Index(fields=["mapping", "updated_at", "id"], name="link_by_updated"),
        ]

    history_fields = ("relation", "rationale", "example", "status", "retired_reason")

    @property
    def link_id(self) -> int:
        """The id that names this link in every register: live, and in each edition."""
        return self.pk

    def get_absolute_url(self) -> str:
        """The link's page in the live register of its mapping."""
        return reverse("link_detail", kwargs={**self.mapping.url_kwargs, "pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == LinkStatus.DRAFT

    @property
    def is_approved(self) -> bool:
        return self.status == LinkStatus.APPROVED

    @property
    def is_retired(self) -> bool:
        return self.status == LinkStatus.RETIRED

    @property
    def can_be_proposed(self) -> bool:
        return self.status == LinkStatus.DRAFT

    @property
    def can_be_approved(self) -> bool:
        return self.status in (LinkStatus.DRAFT, LinkStatus.PROPOSED)

    def edit(self, *, by, revision: int, **changes) -> Change | None:
        """Save new wording or relation. An edit to an approved link by someone who
        cannot approve it goes back to proposed, so published text is always approved."""
        differs = any(getattr(self, name) != value for name, value in changes.items())
        if differs and self.is_approved and not roles_of(by).holds(Role.PUBLISHER, self.mapping_id):
            changes["status"] = LinkStatus.PROPOSED
        return Change.objects.apply(self, changes, by=by, revision=revision)

    # A decision on a link (propose, approve, send back, restore) given the revision the
    # person saw is refused (EditConflict) if the link has changed since: nobody approves
    # words they have not read.

    def propose(self, *, by, revision: int | None = None) -> Change | None:
        if not self.can_be_proposed:
            raise ValidationError("Only a draft can be proposed.")
        return Change.objects.apply(self, {"status": LinkStatus.PROPOSED}, by=by,
                                    revision=revision)  # fmt: skip

    def approve(self, *, by, revision: int | None = None) -> Change | None:
        if not self.can_be_approved:
            raise ValidationError("Only a draft or proposed link can be approved.")
        return Change.objects.apply(self, {"status": LinkStatus.APPROVED}, by=by,
                                    revision=revision)  # fmt: skip

    def send_back(self, *, by, reason: str, revision: int | None = None) -> Change | None:
        """A proposed link returned to its editors as a draft, with the reason."""
        reason = reason.strip()
        if not reason:
            raise ValidationError("Say why it goes back, so that its editors know what to do.")
        if self.status != LinkStatus.PROPOSED:
            raise ValidationError("Only a proposed link can be sent back.")
        return Change.objects.apply(self, {"status": LinkStatus.DRAFT}, by=by, reason=reason,
                                    revision=revision)  # fmt: skip

    def retire(self, *, by, reason: str, revision: int | None = None) -> Change | None:
        reason = reason.strip()
        if not reason:
            raise ValidationError({"retired_reason": "Say why the link is being retired."})
        if self.is_retired:
            raise ValidationError("This link is already retired.")
        changes = {"status": LinkStatus.RETIRED, "retired_reason": reason}
        return Change.objects.apply(self, changes, by=by, revision=revision, reason=reason)

    def restore(self, *, by, revision: int | None = None) -> Change | None:
        """Bring a retired link back as a draft, to be proposed and approved again."""
        if not self.is_retired:
            raise ValidationError("Only a retired link can be restored.")
        if retired := [end.code for end in (self.source, self.target) if end.retired]:
            raise ValidationError(
                f"{' and '.join(retired)} {'is' if len(retired) == 1 else 'are'} retired: "
                f"restore {'it' if len(retired) == 1 else 'them'} before its links."
            )
        changes = {"status": LinkStatus.DRAFT, "retired_reason": ""}
        return Change.objects.apply(self, changes, by=by, revision=revision)

    def history_action(self, before: dict) -> str:
        """What an edit did to this link, in the history's words."""
        if before["status"] == self.status:
            return Change.Action.EDITED
        if self.is_retired:
            return Change.Action.RETIRED
        if before["status"] == LinkStatus.RETIRED:
            return Change.Action.RESTORED
        if self.is_approved:
            return Change.Action.APPROVED
        wording_changed = any(
            before[name] != getattr(self, name) for name in ("relation", "rationale", "example")
        )
        if self.status == LinkStatus.PROPOSED and not wording_changed:
            return Change.Action.PROPOSED
        if before["status"] == LinkStatus.PROPOSED and self.status == LinkStatus.DRAFT \
                and not wording_changed:  # fmt: skip
            return Change.Action.SENT_BACK  # a publisher's decision, with the reason
        return Change.Action.EDITED

    def clean(self) -> None:
        super().clean()
        self.rationale = self.rationale.strip()
        errors = {}
        if not self.rationale:
            errors["rationale"] = "Say why the one relates to the other."
        if self.mapping_id:
            mapping = self.mapping
            if self.source_id and self.source.framework_id != mapping.source_framework_id:
                errors["source"] = f"Choose an element of {mapping.source_framework}."
            if self.target_id and self.target.framework_id != mapping.target_framework_id:
                errors["target"] = f"Choose an element of {mapping.target_framework}."
        if errors:
            raise ValidationError(errors)
