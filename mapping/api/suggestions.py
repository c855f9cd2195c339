"""A register's suggestions over the API, for its editors (a session, or a personal token
as "Authorization: Bearer …", of someone who edits the register): the links inferred
through crosswalks, each with its paths and composed relation, then the lexical ones with
the words they share; the same list, in the same order, as the suggestions page."""

from __future__ import annotations

import math
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from mapping.access.policy import may
from mapping.api.auth import EditorAuth
from mapping.api.registers import SLUG, register_for
from mapping.api.schemas import ERRORS, ErrorOut, SuggestionOut, SuggestionPage
from mapping.models import Role
from mapping.suggesting.listing import inferred_in_order, lexical

router = Router(tags=["Suggestions"])


class SuggestionQuery(Schema):
    kind: Literal["inferred", "lexical"] | None = Field(
        None, description="Only inferred suggestions, or only lexical ones; both by default."
    )
    page: int = Field(1, ge=1, le=1_000_000, description="Which page, from 1.")
    page_size: int = Field(50, ge=1, le=500, description="How many suggestions a page.")


@router.get(
    "/mappings/{slug}/suggestions", auth=EditorAuth(),
    response={200: SuggestionPage, **ERRORS, 403: ErrorOut},
    summary="A register's suggestions to review (its editors only)",
)  # fmt: skip
def suggestions(request, query: Query[SuggestionQuery], slug: str = SLUG):
    register = register_for(request, slug, None)
    if not may(request.auth, Role.EDITOR, register.mapping):
        raise HttpError(403, f"Only editors of “{slug}” see its suggestions.")
    request.weave_private = True
    found = [] if query.kind == "lexical" else inferred_in_order(register)
    found += [] if query.kind == "inferred" else lexical(register)
    count = len(found)
    start = (query.page - 1) * query.page_size
    chosen = found[start : start + query.page_size]
    register.with_paths([s for s in chosen if s.is_inferred])
    absolute = request.build_absolute_uri
    items = [SuggestionOut.of(s, register, absolute) for s in chosen]
    pages = max(1, math.ceil(count / query.page_size))
    return SuggestionPage(count=count, page=query.page, pages=pages, page_size=query.page_size,
                          items=items)  # fmt: skip
