"""Frameworks over the API, as Weave has them now; and CASE 1.0's own read endpoints
(CFDocuments, CFPackages, CFItems), answering with what the CASE export writes, so that a
CASE client can read each framework from Weave directly."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Count, Max, Q
from ninja import Path, Router
from ninja.errors import HttpError

from mapping.api.schemas import ERRORS, ElementOut, FrameworkOut
from mapping.core.middleware import NUL
from mapping.exchange.case.reader import (
    derived_identifier,
    element_identifier,
    framework_identifier,
)
from mapping.exchange.case.writer import case_package
from mapping.models import Change, Mapping
from mapping.register import SIDES, LiveRegister
from mapping.views.lookups import element_page
from standards.models import Framework, tree_order

router = Router(tags=["Frameworks"])
case = Router(tags=["CASE 1.0"])


# Examples from the demo register, for the docs and for Schemathesis to start from.
DEMO = "cih-professional-standards-2021"
FRAMEWORK_SLUG = Path(..., max_length=80, examples=[DEMO])
DOCUMENT_ID = Path(..., description="The framework's CASE identifier.",
                   examples=[derived_identifier("framework", DEMO)])  # fmt: skip
ITEM_ID = Path(..., description="The element's CASE identifier.",
               examples=[derived_identifier(DEMO, "INT")])  # fmt: skip


class FrameworkDetailOut(FrameworkOut):
    elements: list[ElementOut]


def _frameworks():
    return Framework.objects.filter(retired=False).annotate(
        element_count=Count("elements", filter=Q(elements__retired=False))
    )


def _noted(request, frameworks) -> None:
    """Live data: when any of it last changed, for the caching headers."""
    ids = [framework.pk for framework in frameworks]
    changed = Change.objects.filter(framework__in=ids).aggregate(at=Max("at"))["at"]
    stamps = [changed, *(framework.updated_at for framework in frameworks)]
    request.weave_last_modified = max(filter(None, stamps), default=None)


@router.get(
    "/frameworks", response={200: list[FrameworkOut], **ERRORS}, summary="Every current framework"
)
def frameworks(request):
    found = list(_frameworks().order_by("kind", "name"))
    _noted(request, found)
    return [FrameworkOut.of(f, f.element_count, request.build_absolute_uri) for f in found]


@router.get("/frameworks/{slug}", response={200: FrameworkDetailOut, **ERRORS},
            summary="One framework with its elements, in tree order")  # fmt: skip
def framework(request, slug: str = FRAMEWORK_SLUG):
    found = _frameworks().filter(slug=slug).first() if NUL not in slug else None
    if found is None:
        raise HttpError(404, f"There is no framework “{slug}”.")
    _noted(request, [found])
    absolute = request.build_absolute_uri
    elements = tree_order(list(found.elements.filter(retired=False).order_by("position", "code")))
    by_id = {element.pk: element for element in elements}
    page = element_page(elements[0]) if elements else found.get_absolute_url()
    prefix = page.rsplit("/", 2)[0] + "/" if elements and "/frameworks/" not in page else None
    shown = []
    for element in elements:
        element.parent = by_id.get(element.parent_id)
        element.framework = found
        element.url = f"{prefix}{element.code}/" if prefix else found.get_absolute_url()
        children = [e.code for e in elements if e.parent_id == element.pk]
        shown.append(ElementOut.of(element, children, absolute))
    return FrameworkDetailOut(**FrameworkOut.of(found, found.element_count, absolute).model_dump(),
                              elements=shown)  # fmt: skip


# CASE 1.0 ------------------------------------------------------------------------------
def _packages(request) -> dict[str, tuple[LiveRegister, str]]:
    """Each framework a register maps, by its CASE identifier: the register it is read
    through (the default register first) and its side there."""
    found: dict[str, tuple[LiveRegister, str]] = {}
    for mapping in Mapping.objects.with_frameworks().order_by("-is_default", "name"):
        register = LiveRegister(mapping)
        for side in SIDES:
            identifier = str(framework_identifier(register.framework(side)))
            found.setdefault(identifier, (register, side))
    stamps = [register.last_changed for register, _side in found.values()]
    request.weave_last_modified = max(stamps, default=None)
    return found


def _package(request, sourced_id: uuid.UUID) -> dict[str, Any]:
    found = _packages(request).get(str(sourced_id))
    if found is None:
        raise HttpError(404, f"There is no CASE document {sourced_id} here.")
    register, side = found
    return case_package(register, side, absolute=register.urls.lasting(request.build_absolute_uri))


@case.get("/CFDocuments", response={200: dict[str, list[dict[str, Any]]], **ERRORS},
          summary="Every framework as a CASE document")  # fmt: skip
def cf_documents(request):
    documents = [
        case_package(register, side, absolute=register.urls.lasting(request.build_absolute_uri))[
            "CFDocument"
        ]
        for register, side in _packages(request).values()
    ]
    return {"CFDocuments": documents}


@case.get("/CFDocuments/{sourced_id}", response={200: dict[str, Any], **ERRORS},
          summary="One CASE document")  # fmt: skip
def cf_document(request, sourced_id: uuid.UUID = DOCUMENT_ID):
    return _package(request, sourced_id)["CFDocument"]


@case.get("/CFPackages/{sourced_id}", response={200: dict[str, Any], **ERRORS},
          summary="A framework as a whole CASE package, with its register's links")  # fmt: skip
def cf_package(request, sourced_id: uuid.UUID = DOCUMENT_ID):
    return _package(request, sourced_id)


@case.get("/CFItems/{sourced_id}", response={200: dict[str, Any], **ERRORS},
          summary="One element as a CASE item")  # fmt: skip
def cf_item(request, sourced_id: uuid.UUID = ITEM_ID):
    wanted = str(sourced_id)
    for register, side in _packages(request).values():
        framework = register.framework(side)
        for element in register.elements(side):
            if str(element_identifier(framework, element)) == wanted:
                package = case_package(
                    register, side, absolute=register.urls.lasting(request.build_absolute_uri)
                )
                return next(i for i in package["CFItems"] if i["identifier"] == wanted)
    raise HttpError(404, f"There is no CASE item {sourced_id} here.")
