"""The register: one mapping, live or as one of its editions, behind one interface.

Every page, download and export reads a register and never asks which kind it is: its
frameworks and their elements in tree order, an element by code, its links filtered and
sorted, one link, its coverage, its reviewed gaps and its addresses. A live register reads
the live tables; an edition's reads its frozen rows, through the same QuerySet methods.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date, datetime
from functools import cached_property
from typing import TypeVar

from django.db import models

from mapping.caching.versioning import per_version
from mapping.coverage.rules import Coverage, build_coverage
from mapping.models import (
    Change,
    Edition,
    EditionElement,
    EditionLink,
    Link,
    LinkStatus,
    Mapping,
)
from mapping.register.addresses import BEHAVIOURS, SIDES, STANDARDS, RegisterUrls
from mapping.register.links import LinkFilter, LinkSection, RegisterLinks
from mapping.register.standing import Standing, live_standing, pinned_standing
from standards.models import CODE_PATTERN, Element, tree_order

__all__ = ["EditionRegister", "LinkFilter", "LinkSection", "LiveRegister", "Register"]

T = TypeVar("T")

# The most recent changes an element or link page lists; /changes/ has the rest.
HISTORY_ON_PAGE = 20


# What an element's code may be: anything else names no element, live or retired.
CODE = re.compile(CODE_PATTERN)


class Register(RegisterLinks):
    """What every register offers; LiveRegister and EditionRegister say where it comes from."""

    mapping: Mapping
    edition: Edition | None = None
    is_live = False
    statuses: tuple[str, ...] = ()  # the link statuses one may filter by

    # Where the rows come from --------------------------------------------------------
    def _elements(self) -> models.QuerySet:
        raise NotImplementedError

    def _links(self) -> models.QuerySet:
        raise NotImplementedError

    def _one_link(self, link_id: int):
        raise NotImplementedError

    def reviewed_gaps(self) -> list:
        raise NotImplementedError

    def framework(self, side: str):
        return self.behaviours_framework if side == BEHAVIOURS else self.standards_framework

    # Elements --------------------------------------------------------------------------
    @cached_property
    def urls(self) -> RegisterUrls:
        return RegisterUrls(self.mapping, self.edition.number if self.edition else None)

    @cached_property
    def _tree(self) -> dict[str, list]:
        """Both frameworks' elements in tree order, each with its address and parent:
        built once per version of the register, and kept (an edition's for good)."""
        return self.kept("tree", self._build_tree)

    def kept(self, name: str, build: Callable[[], T]) -> T:
        """What build() makes of this register, made once per version of it and kept by
        the process (an edition's for good: it never changes)."""
        edition = self.edition
        key = (name, self.mapping.pk, self.urls.home, edition and (edition.pk, edition.digest))
        return per_version(key, build, frozen=edition is not None)

    def _build_tree(self) -> dict[str, list]:
        kinds = {self.behaviours_framework.pk: BEHAVIOURS, self.standards_framework.pk: STANDARDS}
        sides: dict[str, list] = {side: [] for side in SIDES}
        for element in self._elements().order_by("position", "code"):
            sides[kinds[element.framework_id]].append(element)
        for side, elements in sides.items():
            sides[side] = tree_order(elements)
            framework = self.framework(side)
            for element in elements:
                element.framework = framework
                element.side = side
                element.url = self.urls.element(side, element.code)
        index = {element.pk: element for elements in sides.values() for element in elements}
        for element in index.values():
            if element.parent_id in index:
                element.parent = index[element.parent_id]
        return sides

    @cached_property
    def _index(self) -> dict[int, object]:
        return {element.pk: element for side in SIDES for element in self._tree[side]}

    def elements(self, side: str) -> list:
        return self._tree[side]

    def element(self, side: str, code: str):
        """The element with this code, or None."""
        return next((e for e in self._tree[side] if e.code == code), None)

    def children(self, element) -> list:
        return [e for e in self._tree[element.side] if e.parent_id == element.pk]

    # Coverage and what is said about the register ----------------------------------------
    @cached_property
    def coverage(self) -> Coverage:
        return build_coverage(
            self,
            behaviours=self.elements(BEHAVIOURS),
            standards=self.elements(STANDARDS),
            links=self.plain_links(),
            reviews=self.reviewed_gaps(),
        )

    def history_of(self, subject) -> models.QuerySet | None:
        """The recent recorded changes of an element or link; None where the register
        keeps no history (an edition never changes)."""
        return None

    def standing(self, subject) -> Standing | None:
        """How a link's or element's page stands against the version one might cite
        instead: a live page against the latest edition, a pinned one against the live."""
        raise NotImplementedError

    def file_name(self, what: str, extension: str, *, dated: date | datetime) -> str:
        raise NotImplementedError


class LiveRegister(Register):
    """The register as it stands: every link not retired, between elements not retired."""

    is_live = True
    statuses = (LinkStatus.DRAFT, LinkStatus.PROPOSED, LinkStatus.APPROVED)

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.name, self.slug = mapping.name, mapping.slug
        self.organisation, self.description = mapping.organisation, mapping.description
        self.guide_intro = mapping.guide_intro
        self.behaviours_framework = mapping.behaviours_framework
        self.standards_framework = mapping.standards_framework

    @property
    def guide_intro_html(self) -> str:
        return self.mapping.guide_intro_html

    def _elements(self):
        frameworks = [self.behaviours_framework, self.standards_framework]
        return Element.objects.current().filter(framework__in=frameworks)

    def _links(self):
        return self.mapping.links.current().filter(
            behaviour__retired=False, standard__retired=False
        )

    def _one_link(self, link_id: int):
        links = Link.objects.with_elements().select_related("updated_by")
        return links.filter(mapping=self.mapping, pk=link_id).first()

    def reviewed_gaps(self) -> list:
        return list(self.mapping.reviewed_gaps.select_related("decided_by"))

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

    def history_of(self, subject) -> models.QuerySet:
        return Change.objects.for_object(subject).with_people()[:HISTORY_ON_PAGE]

    def standing(self, subject) -> Standing | None:
        return live_standing(self, subject)

    @cached_property
    def last_changed(self) -> datetime:
        """When anything in the register last changed, as far as the history knows."""
        latest = (
            Change.objects.of_register(
                self.mapping.pk, self.behaviours_framework.pk, self.standards_framework.pk
            )
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        return max(filter(None, [latest, self.mapping.updated_at]))

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
        frameworks = [self.mapping, self.behaviours_framework, self.standards_framework]
        stamps = [f.updated_at for f in frameworks]
        for instance in frameworks:
            fields = instance._meta.concrete_fields
            digest.update(repr([getattr(instance, field.attname) for field in fields]).encode())
        element_rows = self._elements().order_by("pk").values_list(
            "pk", "framework_id", "parent_id", "code", "title", "description", "level_label",
            "position", "updated_at",
        )  # fmt: skip
        link_rows = (
            self._links()
            .order_by("pk")
            .values_list(
                "pk",
                "behaviour_id",
                "standard_id",
                "relation",
                "rationale",
                "example",
                "updated_at",
            )
        )
        for rows in (element_rows, link_rows):
            for row in rows:
                digest.update(repr(row).encode())
                stamps.append(row[-1])
            digest.update(b"|")
        return digest.hexdigest(), max(stamps)

    def file_name(self, what: str, extension: str, *, dated: date | datetime) -> str:
        return "-".join(filter(None, [self.slug, what, f"{dated:%Y-%m-%d}"])) + f".{extension}"


class EditionRegister(Register):
    """The register exactly as one edition published it."""

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.mapping = edition.mapping
        self.slug = edition.mapping.slug
        self.name, self.organisation = edition.register_name, edition.organisation
        self.description = edition.register_description
        self.guide_intro = edition.guide_intro
        frameworks = {framework.kind: framework for framework in edition.frameworks.all()}
        self.behaviours_framework = frameworks[BEHAVIOURS]
        self.standards_framework = frameworks[STANDARDS]

    @property
    def guide_intro_html(self) -> str:
        return self.edition.guide_intro_html

    def _elements(self):
        return EditionElement.objects.filter(edition=self.edition)

    def _links(self):
        return EditionLink.objects.filter(edition=self.edition)

    def _one_link(self, link_id: int):
        return (
            self._links()
            .select_related("behaviour__parent", "standard__parent")
            .filter(link_id=link_id)
            .first()
        )

    def reviewed_gaps(self) -> list:
        return list(self.edition.reviewed_gaps.all())

    def standing(self, subject) -> Standing:
        return pinned_standing(self, subject)

    @property
    def latest_edition(self) -> Edition:
        return self.edition

    @property
    def last_changed(self) -> datetime:
        return self.edition.published_at

    def fingerprint(self) -> tuple[str, datetime]:
        # An edition never changes, so its own digest is the fingerprint.
        return self.edition.digest, self.edition.published_at

    def file_name(self, what: str, extension: str, *, dated: date | datetime) -> str:
        parts = [self.slug, f"edition-{self.edition.number}", what]
        return "-".join(filter(None, parts)) + f".{extension}"
