"""Mappings (a named set of links from one behaviours framework to one standards
framework) and the gaps in them that were reviewed and deliberately left unlinked."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from mapping.core.markdown import render_markdown
from standards.models import Element, Framework


class MappingQuerySet(models.QuerySet):
    def with_frameworks(self) -> MappingQuerySet:
        return self.select_related("behaviours_framework", "standards_framework")

    def default(self) -> Mapping | None:
        return self.with_frameworks().filter(is_default=True).first()

    def using_framework(self, framework: Framework) -> MappingQuerySet:
        """The mappings that map from or onto framework."""
        return self.filter(Q(behaviours_framework=framework) | Q(standards_framework=framework))


class Mapping(models.Model):
    """A named set of links from one behaviours framework to one standards framework."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    organisation = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5_000)
    guide_intro = models.TextField(
        "guide introduction",
        blank=True,
        max_length=50_000,
        help_text="Opens the QuickStart guide. Markdown: headings, lists, links, emphasis. "
        "HTML and scripts are removed.",
    )
    behaviours_framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="mappings_from",
        limit_choices_to={"kind": Framework.Kind.BEHAVIOURS},
    )
    standards_framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="mappings_to",
        limit_choices_to={"kind": Framework.Kind.STANDARDS},
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
                condition=~Q(behaviours_framework=F("standards_framework")),
                name="mapping_two_frameworks",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def url_kwargs(self) -> dict[str, str]:
        """What names this mapping in its pages' addresses: nothing for the site's default
        mapping (its pages sit at the top), its slug for any other."""
        return {} if self.is_default else {"slug": self.slug}

    @property
    def guide_intro_html(self) -> str:
        return render_markdown(self.guide_intro)

    def maps(self, framework_id: int) -> bool:
        return framework_id in (self.behaviours_framework_id, self.standards_framework_id)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.behaviours_framework_id and not self.behaviours_framework.is_behaviours:
            errors["behaviours_framework"] = "Choose a behaviours framework."
        if self.standards_framework_id and self.standards_framework.is_behaviours:
            errors["standards_framework"] = "Choose a standards framework."
        saved = Mapping.objects.filter(pk=self.pk).values_list(
            "behaviours_framework_id", "standards_framework_id"
        ).first() if self.pk else None  # fmt: skip
        moved = saved and saved != (self.behaviours_framework_id, self.standards_framework_id)
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
        max_length=2_000, help_text="Why this element is deliberately left unlinked."
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
