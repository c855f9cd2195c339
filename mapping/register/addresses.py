"""Where a register's pages live: the default mapping's at the top of the site, any other
mapping's under /m/<slug>/, an edition's under editions/<n>/ (see mapping/urls.py). An
element's page is named by its framework's slug and its code: elements/<framework>/<code>/."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from urllib.parse import quote

from django.urls import reverse

from mapping.models import Mapping
from mapping.models.link_rows import Side

# Each framework downloads as (label, file extension).
FRAMEWORK_FORMATS = (("CSV", "csv"), ("Excel", "xlsx"), ("CASE 1.0 (JSON)", "case.json"))


class RegisterUrls:
    """The addresses of a register's pages: the default mapping's at the top of the site,
    any other mapping's under /m/<slug>/, an edition's under editions/<n>/."""

    def __init__(
        self, mapping: Mapping, number: int | None = None, slugs: dict[str, str] | None = None
    ) -> None:
        """slugs: each side's framework slug as the register names it (an edition's as it
        froze them); the mapping's live frameworks' by default."""
        self.mapping = mapping
        self.number = number
        self.slugs = slugs or {
            Side.SOURCE: mapping.source_framework.slug,
            Side.TARGET: mapping.target_framework.slug,
        }
        self.mapping_kwargs = mapping.url_kwargs
        self.kwargs = self.mapping_kwargs | ({"number": number} if number else {})

    def _page(self, name: str) -> str:
        return reverse(name, kwargs=self.kwargs)

    def permanent(self, path: str) -> str:
        """One of this register's addresses in the form that names the register
        (/m/<slug>/…): what citations and permalinks give. The site's default register
        also has its pages at the top of the site, but another can be made the default
        (and an edition number or a link there would then be another register's)."""
        if self.mapping_kwargs:  # not the default: its addresses name it already
            return path
        top = reverse("home")
        named = reverse("home", kwargs={"slug": self.mapping.slug})
        return named + path[len(top) :] if path.startswith(top) else path

    def lasting(self, absolute: Callable[[str], str]) -> Callable[[str], str]:
        """absolute() (a request's build_absolute_uri) for this register's own pages, in
        the form that names the register (permanent()): what the API and the exports give,
        which must go on naming this register when another becomes the default."""
        return lambda path: absolute(self.permanent(path))

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
    def pdf_lasting(self) -> str:
        """The PDF's address for paper, which must go on naming this register (permanent())."""
        return self.permanent(self.pdf)

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
    def suggestions(self) -> str:
        return reverse("suggestions", kwargs=self.mapping_kwargs)

    @cached_property
    def gap_review(self) -> str:
        return reverse("gap_review", kwargs=self.mapping_kwargs)

    @cached_property
    def details(self) -> str:
        """Where its publishers edit what the register says of itself."""
        return reverse("mapping_edit", kwargs=self.mapping_kwargs)

    @cached_property
    def suggestion_accept(self) -> str:
        return reverse("suggestion_accept", kwargs=self.mapping_kwargs)

    @cached_property
    def suggestion_dismiss(self) -> str:
        return reverse("suggestion_dismiss", kwargs=self.mapping_kwargs)

    @cached_property
    def suggestions_bulk(self) -> str:
        return reverse("suggestions_bulk", kwargs=self.mapping_kwargs)

    @cached_property
    def suggestion_offer_again(self) -> str:
        return reverse("suggestion_offer_again", kwargs=self.mapping_kwargs)

    @cached_property
    def links_csv(self) -> str:
        return reverse("links_export", kwargs={**self.kwargs, "extension": "csv"})

    @cached_property
    def links_xlsx(self) -> str:
        return reverse("links_export", kwargs={**self.kwargs, "extension": "xlsx"})

    def framework_download(self, side: str, extension: str) -> str:
        """One of the register's frameworks as a file: CSV, Excel or CASE."""
        kwargs = {**self.kwargs, "framework": self.slugs[side], "extension": extension}
        return reverse("framework_export", kwargs=kwargs)

    @cached_property
    def register_downloads(self) -> list[tuple[str, str, str]]:
        """(what, format, address) of each export of the register as a whole."""
        return [
            ("The printable register", "PDF (A4)", self.pdf),
            ("The whole register", "JSON", self._page("register_export")),
            ("All links", "CSV", self.links_csv),
            ("All links", "Excel", self.links_xlsx),
            ("All links", "SSSOM (TSV)", self._page("sssom_export")),
            ("The map", "Kumu blueprint (JSON)", self._page("kumu_export")),
        ]

    @cached_property
    def live(self) -> RegisterUrls:
        return self if self.number is None else RegisterUrls(self.mapping)

    @cached_property
    def _elements_prefix(self) -> str:
        # Built once; every element's address is this, its framework's slug and its code.
        return reverse("element_detail", kwargs={**self.kwargs, "framework": "f", "code": "0"})[:-4]

    def element(self, side: str, code: str) -> str:
        return self.element_in(self.slugs[side], code)

    def element_in(self, framework_slug: str, code: str) -> str:
        """The page of the element with this code in the framework with this slug."""
        return f"{self._elements_prefix}{framework_slug}/{quote(code)}/"

    def element_prefix(self, side: str) -> str:
        """What every element's address on that side starts with: /elements/<framework>/."""
        return f"{self._elements_prefix}{self.slugs[side]}/"

    @cached_property
    def _link_prefix(self) -> str:
        return reverse("link_detail", kwargs={**self.kwargs, "pk": 1})[:-2]

    def link(self, link_id: int) -> str:
        return f"{self._link_prefix}{link_id}/"
