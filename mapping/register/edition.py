"""An edition's register: a mapping exactly as one edition published it, read from its
frozen rows by the same QuerySet methods as the live tables."""

from __future__ import annotations

from datetime import date, datetime

from mapping.models import Edition, EditionElement, EditionLink
from mapping.models.frozen import EditionInferred
from mapping.models.inference import InferredLink, Path, Step
from mapping.models.link_rows import Side
from mapping.register.base import Register
from mapping.register.standing import Standing, pinned_standing


class EditionRegister(Register):
    """The register exactly as one edition published it."""

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.mapping = edition.mapping
        self.slug = edition.mapping.slug
        self.name, self.organisation = edition.register_name, edition.organisation
        self.description = edition.register_description
        self.guide_intro = edition.guide_intro
        frameworks = {framework.side: framework for framework in edition.frameworks.all()}
        self.source_framework = frameworks[Side.SOURCE]
        self.target_framework = frameworks[Side.TARGET]

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
            .select_related("source__parent", "target__parent")
            .filter(link_id=link_id)
            .first()
        )

    def reviewed_gaps(self) -> list:
        return list(self.edition.reviewed_gaps.all())

    def _inferred(self) -> list[InferredLink]:
        return [
            InferredLink(
                row.source_id, row.target_id, row.relation, row.via_code, row.paths,
                path_list=[Path(row.via_code, row.via_title, Step(**row.first),
                                Step(**row.second))],
            )
            for row in EditionInferred.objects.filter(edition=self.edition).order_by("pk")
        ]  # fmt: skip

    def with_paths(self, links: list[InferredLink]) -> list[InferredLink]:
        return links  # an edition keeps the strongest path of each, and no more

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
