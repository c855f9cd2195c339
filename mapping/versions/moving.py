"""Moving a register onto a new version of one of its frameworks, read from the crosswalk
between the versions: links to unchanged elements are carried as they are, links to
changed elements are carried as proposed for review, links to removed elements are listed
and left behind. The register itself keeps its links and editions (citations of them keep
working): the move makes the register on the new version beside it, and first publishes
an edition of the old one if it has changes no edition holds, so that what is left behind
stays citable. A dry run shows all of this before anything is written."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from mapping.models import (
    Audit,
    AuditEntry,
    Change,
    Edition,
    Link,
    LinkStatus,
    Mapping,
    Membership,
    Relation,
    Side,
)
from mapping.models.editions import NothingToPublish
from mapping.models.notices import Watch
from mapping.versions.crosswalk import version_crosswalk
from standards.models import Framework


@dataclass
class Carried:
    link: Link
    element: object  # its counterpart in the new version
    changed: str = ""  # what changed in the element's wording, to review


@dataclass
class MovePlan:
    """What moving mapping's side onto the new version would do."""

    mapping: Mapping
    side: Side
    old: Framework
    new: Framework
    carried: list[Carried] = field(default_factory=list)
    review: list[Carried] = field(default_factory=list)
    left: list[Link] = field(default_factory=list)
    needs_edition: bool = False

    @property
    def name(self) -> str:
        label = self.new.version_label or self.new.year or "new version"
        return f"{self.mapping.name} ({self.new.name} {label})".replace("  ", " ")[:200]

    @property
    def slug(self) -> str:
        base = slugify(f"{self.mapping.slug}-{self.new.version_label or self.new.slug}")[:72]
        slug, n = base, 1
        while Mapping.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    @classmethod
    def of(cls, mapping: Mapping, new: Framework) -> MovePlan:
        """The plan, or a ValidationError saying why the register cannot move there."""
        sides = {Side.SOURCE: mapping.source_framework, Side.TARGET: mapping.target_framework}
        side = next((s for s, f in sides.items() if new.replaces_id == f.pk), None)
        if side is None:
            raise ValidationError(f"{new.name} is not a new version of either framework of "
                                  f"{mapping.name}.")  # fmt: skip
        old = sides[side]
        crosswalk = version_crosswalk(old, new)
        if crosswalk is None:
            raise ValidationError(
                f"There is no crosswalk between {old.name} and {new.name}: import the new "
                "version as replacing the old to make one."
            )
        counterpart: dict[int, tuple[object, str]] = {}
        steps = crosswalk.links.current().select_related("target").order_by("pk")
        for step in steps:
            changed = "" if step.relation == Relation.SAME_AS else step.rationale
            counterpart.setdefault(step.source_id, (step.target, changed))
        plan = cls(mapping, side, old, new)
        own = "source_id" if side == Side.SOURCE else "target_id"
        for link in mapping.links.current().with_elements().order_by("pk"):
            found = counterpart.get(getattr(link, own))
            if found is None:
                plan.left.append(link)
            else:
                (plan.review if found[1] else plan.carried).append(Carried(link, *found))
        latest = mapping.editions.with_changes_since().order_by("-number").first()
        plan.needs_edition = latest is None or bool(latest.changes_since)
        return plan

    @transaction.atomic
    def apply(self, *, by, name: str, slug: str, make_default: bool = True) -> Mapping:
        """The register on the new version, its links carried; all or nothing."""
        if self.needs_edition:
            # Unless the changes since its latest edition left what it holds as it was.
            with suppress(NothingToPublish):
                Edition.objects.publish(
                    self.mapping, by=by, title=f"Last edition on {self.old.name}",
                    notes=f"Published as the register moved onto {self.new.name}: "
                    f"{len(self.left)} link(s) to elements the new version removed stay here.",
                )  # fmt: skip
        ends = {Side.SOURCE: self.mapping.source_framework,
                Side.TARGET: self.mapping.target_framework} | {self.side: self.new}  # fmt: skip
        moved = Mapping(
            name=name, slug=slug, organisation=self.mapping.organisation,
            description=self.mapping.description, guide_intro=self.mapping.guide_intro,
            licence_url=self.mapping.licence_url,
            source_framework=ends[Side.SOURCE], target_framework=ends[Side.TARGET],
        )  # fmt: skip
        moved.full_clean()
        moved.save()
        made = by if by is not None and by.is_authenticated else None
        links = [self._copy(moved, c, made, review=False) for c in self.carried]
        links += [self._copy(moved, c, made, review=True) for c in self.review]
        Link.objects.bulk_create(links, batch_size=1000)
        Change.objects.record_created(
            links, by=by, reason=f"Carried from {self.mapping.name} onto {self.new.name}."
        )
        if self.mapping.is_default and make_default:
            moved.make_default(by=by)
        self._carry_people(moved, by=by)
        Mapping.objects.filter(pk=self.mapping.pk).update(moved_to=moved)  # its pages say so
        self.mapping.moved_to = moved
        return moved

    def _carry_people(self, moved: Mapping, *, by) -> None:
        """Whoever holds a role in the old register holds it in the new one (in the audit
        log, as any role given), and whoever watches it watches the new one too: the
        register carries on, and so does the work of the people in it."""
        for membership in self.mapping.memberships.select_related("user"):
            Membership.objects.create(user=membership.user, mapping=moved, role=membership.role)
            AuditEntry.objects.record(
                Audit.ROLE_CHANGED, by=by, person=membership.user,
                detail=f"no role → {membership.get_role_display().lower()} in {moved.name}. "
                f"Reason: carried from {self.mapping.name} as it moved onto {self.new.name}.",
            )  # fmt: skip
        Watch.objects.bulk_create(
            Watch(user_id=watch.user_id, mapping=moved, editions=watch.editions,
                  digest=watch.digest)
            for watch in Watch.objects.filter(mapping=self.mapping)
        )  # fmt: skip

    def _copy(self, moved: Mapping, carried: Carried, made, *, review: bool) -> Link:
        link = carried.link
        ends = {"source": link.source, "target": link.target}
        ends[self.side.value] = carried.element
        status = (
            LinkStatus.PROPOSED if review and link.status == LinkStatus.APPROVED else link.status
        )
        rationale = link.rationale
        if review:
            rationale = f"{rationale}\n\nTo review after the move: {carried.changed}"
        return Link(
            mapping=moved, **ends, relation=link.relation, rationale=rationale[:10_000],
            example=link.example, status=status, created_by=made, updated_by=made,
        )  # fmt: skip
