"""The live register: a mapping as it stands, read from the live tables."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from functools import cached_property

from django.db.models import Q

from mapping.caching.versioning import paths_version_name, per_version
from mapping.models import Change, Edition, Link, LinkStatus, Mapping
from mapping.models.inference import InferredLink, inferred_for, inferred_rows, paths_between
from mapping.models.link_rows import RELATION_RANK
from mapping.register.base import Register
from mapping.register.standing import Standing, live_standing
from standards.models import CODE_PATTERN, Element

# The most recent changes an element or link page lists; /changes/ has the rest.
HISTORY_ON_PAGE = 20
# What an element's code may be: anything else names no element, live or retired.
CODE = re.compile(CODE_PATTERN)


class LiveRegister(Register):
    """The register as it stands: every link not retired, between elements not retired."""

    is_live = True
    statuses = (LinkStatus.DRAFT, LinkStatus.PROPOSED, LinkStatus.APPROVED)

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.name, self.slug = mapping.name, mapping.slug
        self.organisation, self.description = mapping.organisation, mapping.description
        self.guide_intro = mapping.guide_intro
        self.source_framework = mapping.source_framework
        self.target_framework = mapping.target_framework

    @property
    def guide_intro_html(self) -> str:
        return self.mapping.guide_intro_html

    def _elements(self):
        frameworks = [self.source_framework, self.target_framework]
        return Element.objects.current().filter(framework__in=frameworks)

    def _links(self):
        return self.mapping.links.current().filter(source__retired=False, target__retired=False)

    def _one_link(self, link_id: int):
        links = Link.objects.with_elements().select_related("updated_by")
        return links.filter(mapping=self.mapping, pk=link_id).first()

    def reviewed_gaps(self) -> list:
        return list(self.mapping.reviewed_gaps.select_related("decided_by"))

    def _inferred(self) -> list[InferredLink]:
        # Every path, kept while nothing it passes through changes: an edit to this
        # register's own links only changes which pairs it has decided.
        ends = (self.source_framework.pk, self.target_framework.pk)
        rows = per_version(("paths", self.mapping.pk, *ends), lambda: inferred_rows(*ends),
                           paths_version_name(self.mapping.pk))  # fmt: skip
        return inferred_for(self.mapping, rows)

    def with_paths(self, links: list[InferredLink]) -> list[InferredLink]:
        found = paths_between(self.source_framework.pk, self.target_framework.pk,
                              {(link.source_id, link.target_id) for link in links})  # fmt: skip
        for link in links:
            # Strongest first, the one the link names (its via element) first of those.
            paths = found.get((link.source_id, link.target_id), [])
            link.path_list = sorted(paths, key=lambda path: (
                RELATION_RANK[path.relation], path.via_code != link.via_code,
            ))  # fmt: skip
        return links

    def element(self, side: str, code: str):
        """A current element, or a retired one: its page stays, saying it was retired."""
        found = super().element(side, code)
        if found is None and CODE.fullmatch(code):
            found = (
                Element.objects.select_related("parent")
                .filter(framework=self.framework(side), code=code)
                .first()
            )
            if found is not None:
                found.side, found.url = side, self.urls.element(side, code)
                found.depth = 0
        return found

    def history_of(self, subject) -> list[Change]:
        changes = Change.objects.for_object(subject).seen_in(self.mapping)
        return list(changes.with_people()[:HISTORY_ON_PAGE])

    def standing(self, subject) -> Standing | None:
        return live_standing(self, subject)

    @cached_property
    def last_changed(self) -> datetime:
        """When anything the register shows last changed, as far as the history knows: its
        links and gaps, its two frameworks, its own details, and what its inferred links
        read (the registers S → A and crosswalks A → B they pass through, and the middle
        frameworks), in one query. A register that merely shares a framework, through which
        nothing is inferred, does not count."""
        mapping = self.mapping
        read = Mapping.objects.filter(
            Q(pk=mapping.pk)
            | Q(source_framework_id=mapping.source_framework_id,
                target_framework_id__in=Mapping.objects.filter(
                    target_framework_id=mapping.target_framework_id).values("source_framework_id"))
            | Q(target_framework_id=mapping.target_framework_id,
                source_framework_id__in=Mapping.objects.filter(
                    source_framework_id=mapping.source_framework_id).values("target_framework_id"))
        )  # fmt: skip
        latest = (
            Change.objects.filter(
                Q(mapping__in=read.values("pk"))
                | Q(framework__in=read.values("source_framework_id"))
                | Q(framework__in=read.values("target_framework_id"))
            )
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        return max(filter(None, [latest, mapping.updated_at]))

    @cached_property
    def moved_to(self):
        """The register this one was moved onto (a new version of a framework), if any."""
        if self.mapping.moved_to_id is None:
            return None
        return LiveRegister(type(self.mapping).objects.with_frameworks()
                            .get(pk=self.mapping.moved_to_id))  # fmt: skip

    @cached_property
    def latest_edition(self) -> Edition | None:
        """The latest edition, with how many changes have been recorded since."""
        return (
            Edition.objects.filter(mapping=self.mapping)
            .with_changes_since()
            .latest_first()
            .select_related("mapping")
            .first()
        )

    def fingerprint(self) -> tuple[str, datetime]:
        """A digest of everything the register shows, and when any of it last changed.

        It hashes the content itself rather than timestamps, so any edit, addition or
        deletion, however it was made, gives a new digest.
        """
        digest = hashlib.sha256()
        frameworks = [self.mapping, self.source_framework, self.target_framework]
        stamps = [f.updated_at for f in frameworks]
        for instance in frameworks:
            fields = instance._meta.concrete_fields
            digest.update(repr([getattr(instance, field.attname) for field in fields]).encode())
        element_rows = self._elements().order_by("pk").values_list(
            "pk", "framework_id", "parent_id", "code", "title", "description", "level_label",
            "position", "updated_at",
        )  # fmt: skip
        link_rows = self._links().order_by("pk").values_list(
            "pk", "source_id", "target_id", "relation", "rationale", "example", "status",
            "updated_at",
        )  # fmt: skip
        # The decisions to leave an element unlinked, which the PDF and the guide give.
        gap_rows = self.mapping.reviewed_gaps.order_by("pk").values_list(
            "pk", "element_id", "reason", "decided_by_id", "decided_at"
        )
        for rows in (element_rows, link_rows, gap_rows):
            for row in rows:
                digest.update(repr(row).encode())
                stamps.append(row[-1])
            digest.update(b"|")
        # And the links it infers through crosswalks, which change with other registers.
        inferred = sorted((link.source_id, link.target_id, link.relation, link.via_code,
                           link.paths) for link in self.inferred_as_kept())  # fmt: skip
        digest.update(repr(inferred).encode())
        return digest.hexdigest(), max(stamps)

    def file_name(self, what: str, extension: str, *, dated: date | datetime) -> str:
        return "-".join(filter(None, [self.slug, what, f"{dated:%Y-%m-%d}"])) + f".{extension}"
