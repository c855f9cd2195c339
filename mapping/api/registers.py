"""The register over the API: any mapping, live or at an edition (?edition=N), read the
way its pages read it (mapping/register.py), so the API and the pages cannot disagree."""

from __future__ import annotations

import math
from typing import Literal

from django.conf import settings
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError

from mapping.api.errors import BadParameter
from mapping.api.schemas import (
    ERRORS,
    OLD_SIDES,
    ComparisonOut,
    CoverageOut,
    EditionOut,
    ElementDetailOut,
    ElementOut,
    FrameworkOut,
    LinkOut,
    LinkPage,
    RegisterOut,
    SideParameter,
)
from mapping.core.middleware import NUL
from mapping.forms.filters import LinkFilterForm
from mapping.models import Edition, LinkSort, Mapping, Relation, Side
from mapping.register import SIDES, Register
from mapping.register.comparison import EditionContent, diff
from mapping.views.lookups import get_register

router = Router(tags=["Registers"])
# The parameters, each with an example from the demo register: the docs show them, and
# Schemathesis starts from them.
DEMO_REGISTER = "example-homes-cih"
SLUG = Path(..., max_length=80, description="The register's short name.",
            examples=[DEMO_REGISTER])  # fmt: skip
CODE = Path(..., max_length=32, description="The element's code.", examples=["INT", "B1.1"])
LINK_ID = Path(..., description="The link's id.", examples=[1])
SIDE = Path(..., examples=["target"], description="Which framework: source (the one links go "
            "from) or target (the one they go to). Deprecated, for one release: behaviours "
            "(the source) and standards (the target).")  # fmt: skip
OLD = Query(..., ge=1, le=1_000_000, description="The earlier edition.", examples=[1])
NEW = Query(..., ge=1, le=1_000_000, examples=[2],
            description="The later edition (the same as old: nothing changed).")  # fmt: skip
EDITION = Query(None, ge=1, le=1_000_000, examples=[1],
                description="An edition's number; without it, the live register.")  # fmt: skip
COUNT = Query(None, examples=["approved"],
              description="approved: count approved links alone, as an edition does; "
              "without it, the live register counts its drafts and proposals too.")  # fmt: skip


def register_for(request: HttpRequest, slug: str, edition: int | None) -> Register:
    """The register named, noted on the request for its caching headers; else a 404."""
    if NUL in slug:
        raise HttpError(404, "There is no register with a NUL character in its name.")
    try:
        register = get_register(request, slug, edition)
    except Http404:
        if not Mapping.objects.filter(slug=slug).exists():
            raise HttpError(404, f"There is no register “{slug}”.") from None
        raise BadParameter("edition", f"the register “{slug}” has no edition {edition}.",
                           404) from None  # fmt: skip
    request.weave_frozen = register.edition is not None
    request.weave_last_modified = _modified(register)
    return register


def _modified(register: Register):
    """When the API's answer about the register last changed: its content, or (live) a
    new edition, which the answer names as the latest."""
    latest = register.latest_edition
    published = latest.published_at if latest is not None and not register.edition else None
    return max(filter(None, [register.last_changed, published]))


def _register_out(request, register: Register) -> RegisterOut:
    mapping, absolute = register.mapping, request.build_absolute_uri
    # The register's latest edition, whichever edition is asked for.
    latest = Edition.objects.filter(mapping=mapping).latest_first().first() \
        if register.edition else register.latest_edition  # fmt: skip
    frameworks = {
        side: FrameworkOut.of(register.framework(side), len(register.elements(side)), absolute)
        for side in SIDES
    }
    suffix = f"?edition={register.edition.number}" if register.edition else ""
    return RegisterOut(
        slug=mapping.slug, name=register.name, organisation=register.organisation,
        description=register.description, licence_url=mapping.licence_url,
        is_default=mapping.is_default,
        edition=register.edition.number if register.edition else None,
        latest_edition=latest.number if latest else None,
        link_count=register.links().count(), last_changed=register.last_changed,
        source_framework=frameworks[Side.SOURCE], target_framework=frameworks[Side.TARGET],
        behaviours_framework=frameworks[Side.SOURCE],
        standards_framework=frameworks[Side.TARGET],
        url=register.urls.lasting(absolute)(register.urls.home),
        api_url=absolute(f"/api/mappings/{mapping.slug}{suffix}"),
    )  # fmt: skip


@router.get(
    "/mappings", response={200: list[RegisterOut], **ERRORS}, summary="Every register on this site"
)
def mappings(request):
    found = Mapping.objects.with_frameworks().order_by("-is_default", "name")
    registers = [register_for(request, mapping.slug, None) for mapping in found]
    request.weave_last_modified = max((_modified(r) for r in registers), default=None)
    return [_register_out(request, register) for register in registers]


@router.get("/mappings/{slug}", response={200: RegisterOut, **ERRORS},
            summary="One register, live or at an edition")  # fmt: skip
def mapping(request, slug: str = SLUG, edition: int | None = EDITION):
    register = register_for(request, slug, edition)
    if register.edition is not None:
        # Not frozen: besides the edition, the answer says whether the register is the
        # default and which edition is its latest, which change. Its ETag still stands.
        request.weave_frozen, request.weave_last_modified = False, None
    return _register_out(request, register)


def _element_in_any_case(register: Register, side: Side, code: str):
    """The element with this code, as written or in another case ("int.1" is INT.1)."""
    found = register.element(side, code)
    if found is None:
        wanted = code.casefold()
        found = next((e for e in register.elements(side) if e.code.casefold() == wanted), None)
    return found


def _element_out(request, register: Register, element) -> ElementOut:
    children = [child.code for child in register.children(element)]
    return ElementOut.of(element, children, register.urls.lasting(request.build_absolute_uri))


@router.get("/mappings/{slug}/elements/{side}", response={200: list[ElementOut], **ERRORS},
            summary="One side's elements, in tree order")  # fmt: skip
def elements(request, slug: str = SLUG, side: SideParameter = SIDE,
             edition: int | None = EDITION):  # fmt: skip
    register = register_for(request, slug, edition)
    end = Side(OLD_SIDES.get(side, side))
    return [_element_out(request, register, element) for element in register.elements(end)]


@router.get("/mappings/{slug}/elements/{side}/{code}", response={200: ElementDetailOut, **ERRORS},
            summary="One element by its code, with its links")  # fmt: skip
def element(request, slug: str = SLUG, side: SideParameter = SIDE, code: str = CODE,
            edition: int | None = EDITION):  # fmt: skip
    register = register_for(request, slug, edition)
    end = Side(OLD_SIDES.get(side, side))
    found = _element_in_any_case(register, end, code)
    if found is None:
        raise HttpError(404, f"There is no {register.words.one(end)} “{code}” in this register.")
    chosen = LinkFilterForm({end.value: found.code}, register=register)
    lasting = register.urls.lasting(request.build_absolute_uri)
    # A retired element is no filter's choice: its links were retired with it.
    links = [LinkOut.of(link, lasting) for link in register.fetch(register.links(chosen.chosen()))
             ] if chosen.is_valid() else []  # fmt: skip
    shown = _element_out(request, register, found)
    parent = getattr(found, "parent", None) if found.parent_id else None
    return ElementDetailOut(**shown.model_dump(), links=links,
                            parent_title=parent.title if parent else None)  # fmt: skip


# The link table's sorts, and (deprecated, for one release) their old names.
SortParameter = Literal[
    "source", "-source", "target", "-target", "relation", "-relation", "-updated", "updated",
    "behaviour", "-behaviour", "standard", "-standard",
]  # fmt: skip


class LinkQuery(Schema):
    edition: int | None = Field(None, ge=1, le=1_000_000, description="An edition's number.")
    source: str | None = Field(
        None, max_length=32, examples=["B1"],
        description="A source element's code (a behaviour's, say): its links and those of "
        "everything under it.",
    )  # fmt: skip
    target: str | None = Field(
        None,
        max_length=32,
        examples=["INT"],
        description="A target element's code (a standard's, say), likewise.",
    )
    behaviour: str | None = Field(
        None,
        max_length=32,
        deprecated=True,
        description="Deprecated: the same as source, for one release; ignored when source "
        "is given.",
    )
    standard: str | None = Field(
        None,
        max_length=32,
        deprecated=True,
        description="Deprecated: the same as target, for one release; ignored when target "
        "is given.",
    )
    relation: Relation | None = Field(None, description="Only links of this relation.")
    status: Literal["draft", "proposed", "approved"] | None = Field(
        None, description="An edition holds approved links only: other statuses match none."
    )
    q: str | None = Field(None, max_length=200, description="Words in titles, codes or rationale.")
    sort: SortParameter = Field(
        LinkSort.SOURCE.value, description="The order, as the link table's (behaviour and "
        "standard: deprecated names of source and target, for one release).",
    )  # fmt: skip
    page: int = Field(1, ge=1, le=1_000_000, description="Which page; past the last, none.")
    page_size: int = Field(settings.WEAVE_LINKS_PER_PAGE, ge=1, le=500,
                           description="How many links a page.")  # fmt: skip


@router.get("/mappings/{slug}/links", response={200: LinkPage, **ERRORS},
            summary="The link table: filtered, sorted, a page at a time")  # fmt: skip
def links(request, query: Query[LinkQuery], slug: str = SLUG):
    register = register_for(request, slug, query.edition)
    data = {name: value for name, value in query.dict().items() if value is not None}
    for side, old in ((Side.SOURCE, "behaviour"), (Side.TARGET, "standard")):
        if (code := data.pop(old, None)) and side.value not in data:
            data[side.value] = code  # beside its new name, the old one is ignored (as said)
        code = data.get(side.value)  # in any case, as on the link table
        if code and _element_in_any_case(register, side, code) is None:
            raise BadParameter(side.value, f"There is no {register.words.one(side)} “{code}” "
                               "in this register.", status=404)  # fmt: skip
    form = LinkFilterForm(data, register=register)
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        raise BadParameter(name, errors[0])
    selection = register.links(form.chosen())
    if register.edition and query.status not in (None, "approved"):
        selection = selection.none()  # an edition holds approved links alone
    count = selection.count()
    pages = max(1, math.ceil(count / query.page_size))
    start = (query.page - 1) * query.page_size  # past the last page: no items
    rows = register.rows(selection[start : start + query.page_size]) if start < count else []
    lasting = register.urls.lasting(request.build_absolute_uri)
    items = [LinkOut.of(link, lasting) for link in rows]
    return LinkPage(count=count, page=query.page, pages=pages, page_size=query.page_size,
                    items=items)  # fmt: skip


@router.get("/mappings/{slug}/links/{link_id}", response={200: LinkOut, **ERRORS},
            summary="One link, by the id it keeps in every edition")  # fmt: skip
def link(request, slug: str = SLUG, link_id: int = LINK_ID, edition: int | None = EDITION):
    register = register_for(request, slug, edition)
    found = register.link(link_id) if 0 < link_id < 2**31 else None
    if found is None:
        raise HttpError(404, f"There is no link {link_id} in this register.")
    return LinkOut.of(found, register.urls.lasting(request.build_absolute_uri))


@router.get("/mappings/{slug}/coverage", response={200: CoverageOut, **ERRORS},
            summary="The gap report: coverage by level, and what is not covered")  # fmt: skip
def coverage(request, slug: str = SLUG, edition: int | None = EDITION,
             count: Literal["approved"] | None = COUNT):  # fmt: skip
    register = register_for(request, slug, edition)
    return CoverageOut.of(register.approved_coverage if count else register.coverage)


def _edition_out(request, edition: Edition) -> EditionOut:
    slug, absolute = edition.mapping.slug, request.build_absolute_uri
    return EditionOut(
        number=edition.number, title=edition.title, notes=edition.notes,
        published_at=edition.published_at, digest=edition.digest,
        url=absolute(reverse("home", kwargs={"slug": slug, "number": edition.number})),
        api_url=absolute(f"/api/mappings/{slug}?edition={edition.number}"),
    )  # fmt: skip


@router.get("/mappings/{slug}/editions", response={200: list[EditionOut], **ERRORS},
            summary="A register's editions, newest first")  # fmt: skip
def editions(request, slug: str = SLUG):
    register = register_for(request, slug, None)
    found = list(register.mapping.editions.select_related("mapping").latest_first())
    request.weave_last_modified = found[0].published_at if found else None
    return [_edition_out(request, edition) for edition in found]


@router.get("/mappings/{slug}/editions/compare", response={200: ComparisonOut, **ERRORS},
            summary="What changed between two editions")  # fmt: skip
def compare(request, slug: str = SLUG, old: int = OLD, new: int = NEW):
    register = register_for(request, slug, None)
    found = {e.number: e for e in register.mapping.editions.filter(number__in=[old, new])}
    for name, number in (("old", old), ("new", new)):
        if number not in found:
            raise BadParameter(name, f"the register “{slug}” has no edition {number}.", 404)
    request.weave_frozen = True
    request.weave_last_modified = max(e.published_at for e in found.values())
    changes = diff(EditionContent.of(found[old]), EditionContent.of(found[new]))
    return ComparisonOut.of(old, new, changes)
