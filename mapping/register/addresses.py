"""Where a register's pages live: the default mapping's at the top of the site, any other
mapping's under /m/<slug>/, an edition's under editions/<n>/ (see mapping/urls.py)."""

from __future__ import annotations

from functools import cached_property
from urllib.parse import quote

from django.urls import reverse

from mapping.models import Mapping
from standards.models import FrameworkKind

BEHAVIOURS, STANDARDS = FrameworkKind.BEHAVIOURS.value, FrameworkKind.STANDARDS.value
SIDES = (BEHAVIOURS, STANDARDS)
# Each framework downloads as (label, file extension).
FRAMEWORK_FORMATS = (("CSV", "csv"), ("Excel", "xlsx"), ("CASE 1.0 (JSON)", "case.json"))


class RegisterUrls:
    """The addresses of a register's pages: the default mapping's at the top of the site,
    any other mapping's under /m/<slug>/, an edition's under editions/<n>/."""

    def __init__(self, mapping: Mapping, number: int | None = None) -> None:
        self.mapping = mapping
        self.number = number
        self.mapping_kwargs = mapping.url_kwargs
        self.kwargs = self.mapping_kwargs | ({"number": number} if number else {})

    def _page(self, name: str) -> str:
        return reverse(name, kwargs=self.kwargs)

    @cached_property
    def home(self) -> str:
        return self._page("home")

    @cached_property
    def links(self) -> str:
        return self._page("link_table")

    @cached_property
    def matrix(self) -> str:
        return self._page("matrix")

    @cached_property
    def map(self) -> str:
        return self._page("map")

    @cached_property
    def map_json(self) -> str:
        return self._page("map_json")

    @cached_property
    def coverage(self) -> str:
        return self._page("coverage")

    @cached_property
    def coverage_csv(self) -> str:
        return self._page("coverage_csv")

    @cached_property
    def pdf(self) -> str:
        return self._page("guide_pdf")

    @cached_property
    def pdf_status(self) -> str:
        return self._page("pdf_status")

    @cached_property
    def editions(self) -> str:
        return reverse("edition_list", kwargs=self.mapping_kwargs)

    @cached_property
    def compare(self) -> str:
        return reverse("edition_compare", kwargs=self.mapping_kwargs)

    @cached_property
    def publish(self) -> str:
        return reverse("edition_publish", kwargs=self.mapping_kwargs)

    @cached_property
    def link_create(self) -> str:
        return reverse("link_create", kwargs=self.mapping_kwargs)

    @cached_property
    def link_import(self) -> str:
        return reverse("link_import", kwargs=self.mapping_kwargs)

    @cached_property
    def links_csv(self) -> str:
        return reverse("links_export", kwargs={**self.kwargs, "extension": "csv"})

    @cached_property
    def links_xlsx(self) -> str:
        return reverse("links_export", kwargs={**self.kwargs, "extension": "xlsx"})

    @cached_property
    def downloads(self) -> list[tuple[str, str, str]]:
        """(what, format, address) of each export of the register."""

        def framework(side: str, extension: str) -> str:
            return reverse(
                "framework_export", kwargs={**self.kwargs, "side": side, "extension": extension}
            )

        return [
            ("The whole register", "JSON", self._page("register_export")),
            ("All links", "CSV", self.links_csv),
            ("All links", "Excel", self.links_xlsx),
            ("All links", "SSSOM (TSV)", self._page("sssom_export")),
            ("The map", "Kumu blueprint (JSON)", self._page("kumu_export")),
            *(
                (f"The {side} framework", label, framework(side, extension))
                for side in SIDES
                for label, extension in FRAMEWORK_FORMATS
            ),
        ]

    @cached_property
    def live(self) -> RegisterUrls:
        return self if self.number is None else RegisterUrls(self.mapping)

    @cached_property
    def _element_prefixes(self) -> dict[str, str]:
        # Built once; every element's address is its prefix and its code.
        return {
            side: reverse(f"{side[:-1]}_detail", kwargs={**self.kwargs, "code": "0"})[:-2]
            for side in SIDES
        }

    def element(self, side: str, code: str) -> str:
        return f"{self._element_prefixes[side]}{quote(code)}/"

    def element_prefix(self, side: str) -> str:
        """What every element's address on that side starts with: /behaviours/, say."""
        return self._element_prefixes[side]

    @cached_property
    def _link_prefix(self) -> str:
        return reverse("link_detail", kwargs={**self.kwargs, "pk": 1})[:-2]

    def link(self, link_id: int) -> str:
        return f"{self._link_prefix}{link_id}/"
