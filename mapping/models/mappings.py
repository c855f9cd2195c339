"""Mappings (a named set of links from one framework, the source, to another, the target:
behaviours onto standards, or one set of standards onto another) and the gaps in them that
were reviewed and deliberately left unlinked."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone

from mapping.core.markdown import render_markdown
from mapping.models.events import announce, inferring_through
from mapping.models.history import Change
from standards.models import Element, Framework
from standards.text import refuse_unprintable

NAME_TAKEN = "Another register has that name: choose one people can tell apart from it."


class MappingQuerySet(models.QuerySet):
    def with_frameworks(self) -> MappingQuerySet:
        return self.select_related("source_framework", "target_framework")

    def default(self) -> Mapping | None:
        return self.with_frameworks().filter(is_default=True).first()

    def using_framework(self, framework: Framework) -> MappingQuerySet:
        """The mappings that map from or onto framework."""
        return self.using_framework_id(framework.pk)

    def read_for(self, framework: Framework) -> MappingQuerySet:
        """The registers that map framework, in the order a reader is best sent to one: the
        site's default; then those that map an organisation's own behaviours (not a
        crosswalk between two sets of standards, or two versions of one); oldest first."""
        own = Case(When(source_framework__kind=Framework.Kind.BEHAVIOURS, then=0), default=1)
        return self.using_framework(framework).order_by("-is_default", own, "pk")

    def using_framework_id(self, framework_id: int) -> MappingQuerySet:
        return self.using_framework_ids({framework_id})

    def using_framework_ids(self, framework_ids) -> MappingQuerySet:
        return self.filter(
            Q(source_framework_id__in=framework_ids) | Q(target_framework_id__in=framework_ids)
        )

    def inferring_through(self, mapping_ids, *, changed_too: bool = False) -> set[int]:
        """The registers whose inferred links (mapping/models/inference.py) read any of these
        registers: S → B infers through a register S → A and a crosswalk A → B, so a change
        to either is a change to what S → B shows. changed_too: those of these registers
        that also read one of the others (else they are left out)."""
        if not mapping_ids:
            return set()
        ends = list(self.values_list("pk", "source_framework_id", "target_framework_id"))
        return inferring_through(ends, mapping_ids, changed_too=changed_too)

    def routes(self) -> list[tuple[Mapping, Mapping]]:
        """(register S → A, crosswalk A → B) pairs a new register S → B can start from: the
        links S → A and A → B already made give S → B its inferred suggestions."""
        mappings = list(self.with_frameworks().order_by("-is_default", "name"))
        return [
            (base, crosswalk) for base in mappings for crosswalk in mappings
            if crosswalk.source_framework_id == base.target_framework_id
            and crosswalk.target_framework_id != base.source_framework_id
        ]  # fmt: skip

    def start_from(self, base: Mapping, crosswalk: Mapping, *, name: str, slug: str) -> Mapping:
        """A new, empty register S → B from a register S → A and a crosswalk A → B: what
        they link is its inferred suggestions. Refused (ValidationError) unless they meet."""
        if crosswalk.source_framework_id != base.target_framework_id:
            raise ValidationError(f"{crosswalk.name} does not start where {base.name} ends: "
                                  "choose a crosswalk from its target framework.")  # fmt: skip
        mapping = Mapping(
            name=name, slug=slug, organisation=base.organisation, licence_url=base.licence_url,
            source_framework=base.source_framework, target_framework=crosswalk.target_framework,
            description=f"{base.source_framework.name} onto {crosswalk.target_framework.name}, "
            f"started from {base.name} and the crosswalk {crosswalk.name}.",
        )  # fmt: skip
        mapping.full_clean()
        mapping.save()
        return mapping

    def ids_using(self, framework_ids) -> list[int]:
        """The ids of the registers that map any of these frameworks: those a change to
        the frameworks or their elements belongs to."""
        wanted = [pk for pk in framework_ids if pk is not None]
        return list(self.using_framework_ids(wanted).values_list("pk", flat=True)) if wanted else []


class Mapping(models.Model):
    """A named set of links from one framework (the source) to another (the target), of
    any kinds: behaviours onto standards, or a crosswalk from one standards framework onto
    another."""

    name = models.CharField(max_length=200, validators=[refuse_unprintable])
    slug = models.SlugField(max_length=80, unique=True)
    organisation = models.CharField(max_length=200, validators=[refuse_unprintable])
    description = models.TextField(blank=True, max_length=5_000, validators=[refuse_unprintable])
    guide_intro = models.TextField(
        "guide introduction",
        blank=True,
        max_length=50_000,
        help_text="Opens the QuickStart guide. Markdown: headings, lists, links, emphasis. "
        "HTML and scripts are removed.",
        validators=[refuse_unprintable],
    )
    source_framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="mappings_from"
    )
    target_framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="mappings_to"
    )
    licence_url = models.URLField(
        "licence",
        blank=True,
        default="https://creativecommons.org/licenses/by/4.0/",
        help_text="The licence under which others may reuse the mapping (its links and "
        "reasons), as a URL; exports say so.",
    )
    is_default = models.BooleanField(
        "site's default mapping",
        default=False,
        help_text="The mapping the register's pages show. Only one can be the default.",
    )
    moved_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The register on a new version of one of its frameworks that this one was "
        "moved onto, if it was: its pages say so.",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MappingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="mapping_one_default",
            ),
            models.CheckConstraint(
                condition=~Q(source_framework=F("target_framework")),
                name="mapping_two_frameworks",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """Save the register's own details (its name, guide, licence) and announce it."""
        adding = self._state.adding
        before = None if adding else Mapping.objects.filter(pk=self.pk).values_list(
            "slug", flat=True).first()  # fmt: skip
        super().save(*args, **kwargs)
        announce(action="created" if adding else "edited", subject_type="mapping",
                 subject_id=self.pk, mapping_ids=[self.pk],
                 old_slugs=[before] if before and before != self.slug else [])  # fmt: skip

    @transaction.atomic
    def make_default(self, *, by=None) -> None:
        """Make this the site's default register: its pages move to the top of the site,
        and those of the one it replaces under /m/<slug>/."""
        # Every register locked first (a short list), so two at once take turns.
        list(Mapping.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
        before = list(Mapping.objects.filter(is_default=True).exclude(pk=self.pk)
                      .values_list("pk", flat=True))  # fmt: skip
        now = timezone.now()  # both registers' details changed (an API answer says which)
        Mapping.objects.filter(pk__in=before).update(is_default=False, updated_at=now)
        Mapping.objects.filter(pk=self.pk).update(is_default=True, updated_at=now)
        self.is_default, self.updated_at = True, now
        announce(action="edited", subject_type="mapping", subject_id=self.pk,
                 mapping_ids=[self.pk, *before], by=by)  # fmt: skip

    @transaction.atomic
    def leave_unlinked(self, element: Element, *, reason: str, by) -> ReviewedGap:
        """Record that element, of one of this register's frameworks, is left without
        links on purpose, why, by whom and when (again, if it was: the newer decision).
        Refused (ValidationError) for an element with links of its own here. Two decisions
        at once take turns (the register's row locked), so the second finds the first's."""
        list(Mapping.objects.select_for_update().filter(pk=self.pk).values_list("pk", flat=True))
        under = _subtree_ids(element)  # covered through what sits under it, as coverage says
        if self.links.current().filter(Q(source__in=under) | Q(target__in=under)).exists():
            raise ValidationError(f"{element.code} has links now: there is no gap to leave.")
        gap = ReviewedGap.objects.select_for_update().filter(mapping=self, element=element).first()
        gap = gap or ReviewedGap(mapping=self, element=element)
        gap.reason, gap.decided_at = reason, timezone.now()
        gap.decided_by = by if by is not None and by.is_authenticated else None
        gap.full_clean()
        gap.save()
        Change.objects.record_gap(self, element, action=Change.Action.LEFT_UNLINKED, by=by,
                                  reason=reason)  # fmt: skip
        return gap

    @transaction.atomic
    def review_again(self, element: Element, *, by=None) -> bool:
        """Open a gap left unlinked for review again; whether it had been left so."""
        deleted, _ = ReviewedGap.objects.filter(mapping=self, element=element).delete()
        if deleted:
            Change.objects.record_gap(self, element, action=Change.Action.REOPENED, by=by)
        return bool(deleted)

    @property
    def url_kwargs(self) -> dict[str, str]:
        """What names this mapping in its pages' addresses: nothing for the site's default
        mapping (its pages sit at the top), its slug for any other."""
        return {} if self.is_default else {"slug": self.slug}

    @property
    def guide_intro_html(self) -> str:
        return render_markdown(self.guide_intro)

    def maps(self, framework_id: int) -> bool:
        return framework_id in (self.source_framework_id, self.target_framework_id)

    def clean(self) -> None:
        super().clean()
        # One line each, as a page's heading and an email's subject show them.
        self.name, self.organisation = (" ".join(self.name.split()),
                                        " ".join(self.organisation.split()))  # fmt: skip
        errors = {}
        # Two of one name would be two identical choices wherever a register is chosen.
        if Mapping.objects.filter(name__iexact=self.name).exclude(pk=self.pk).exists():
            errors["name"] = NAME_TAKEN
        if self.source_framework_id and self.source_framework_id == self.target_framework_id:
            errors["target_framework"] = ("A register links two different frameworks: choose "
                                          "another one to map onto.")  # fmt: skip
        saved = Mapping.objects.filter(pk=self.pk).values_list(
            "source_framework_id", "target_framework_id"
        ).first() if self.pk else None  # fmt: skip
        moved = saved and saved != (self.source_framework_id, self.target_framework_id)
        if moved and self.links.exists():
            errors["__all__"] = ("A register with links keeps its two frameworks: add a new "
                                 "register for other frameworks.")  # fmt: skip
        if errors:
            raise ValidationError(errors)


class ReviewedGap(models.Model):
    """An element that was reviewed and deliberately left without links, and why.

    Coverage reports keep these apart from elements that nobody has looked at yet.
    """

    mapping = models.ForeignKey(Mapping, on_delete=models.CASCADE, related_name="reviewed_gaps")
    element = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(
        max_length=2_000,
        help_text="Why this element is deliberately left unlinked.",
        validators=[refuse_unprintable],
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["mapping", "element__code"]
        verbose_name = "reviewed gap"
        constraints = [
            models.UniqueConstraint(fields=["mapping", "element"], name="reviewed_gap_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="reviewed_gap_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.element.code} left unlinked in {self.mapping}"

    @property
    def decided_by_name(self) -> str:
        user = self.decided_by
        return (user.get_full_name() or user.get_username()) if user else ""

    def clean(self) -> None:
        super().clean()
        self.reason = self.reason.strip()
        errors = {}
        if not self.reason:
            errors["reason"] = "Say why this is deliberately left unlinked."
        if self.mapping_id and self.element_id and not self.mapping.maps(self.element.framework_id):
            errors["element"] = "Choose an element of one of the mapping's two frameworks."
        if errors:
            raise ValidationError(errors)


def _subtree_ids(element: Element) -> set[int]:
    """The element's id and those of everything under it (a query a level)."""
    found, level = {element.pk}, {element.pk}
    while level:
        level = set(Element.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        level -= found
        found |= level
    return found
