"""How a page stands against the version a reader might cite instead.

A live link or element page is compared with the latest edition: it may read as that
edition published it, have changed since, be new since, or be retired. A page pinned to
an edition is compared with the live register: the live one may still say the same, have
changed, be retired or be gone. Either way the page says so and links to the other
version, and the pinned page keeps showing what was cited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from mapping.models import Edition, EditionElement, EditionLink, Link
from mapping.models.link_rows import LinkClaim, LinkStatus
from mapping.register.addresses import RegisterUrls
from standards.models import Element

LINK_WORDS = ("relation", "rationale", "example")
ELEMENT_WORDS = ("code", "title", "description")


@dataclass(frozen=True)
class Standing:
    # as_published, changed, new, left_out (of the latest edition, so compared with the last
    # that has it) or retired (a live page); same, changed, retired or deleted (a page
    # pinned to an edition)
    state: str
    edition: Edition  # the edition the page is compared with, or pinned to
    when: datetime | None = None  # when it changed or was retired
    reason: str = ""  # why it was retired
    other_url: str = ""  # the other version: pinned for a live page, live for a pinned one
    what: str = ""  # what changed, in words: "its rationale", "the links shown on it"

    @property
    def is_same(self) -> bool:
        return self.state in ("as_published", "same")

    @property
    def is_changed(self) -> bool:
        return self.state == "changed"

    @property
    def is_retired(self) -> bool:
        return self.state == "retired"

    @property
    def is_left_out(self) -> bool:
        return self.state == "left_out"

    @property
    def is_new(self) -> bool:
        return self.state == "new"


WORDS = {"relation": "relation", "rationale": "rationale", "example": "example in practice",
         "code": "code", "title": "title", "description": "description"}  # fmt: skip
LINKS_CHANGED = "the links shown on it"


def _differs(one, other, words: tuple[str, ...], register=None) -> str:
    """What differs between two versions, in words ("its title and description"), or "".
    Of a link (register given), the code and title of either end too ("its rationale and
    its standard's title"): a citation of the link gives them."""
    names = [WORDS[name] for name in words if getattr(one, name) != getattr(other, name)]
    for side in ("source", "target") if register is not None else ():
        ends = getattr(one, side), getattr(other, side)
        if fields := [
            name for name in ("code", "title") if len({getattr(end, name) for end in ends}) > 1
        ]:
            names.append(f"{getattr(register.words, side)}'s {' and '.join(fields)}")
    if not names:
        return ""
    return "its " + (names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}")


def _last_changed(live) -> datetime:
    """When a live link (its ends' words included) or element last changed."""
    return live.words_changed_at if isinstance(live, LinkClaim) else live.updated_at


def live_standing(register, subject) -> Standing | None:
    """A live link's or element's standing against the latest edition (None before any)."""
    edition = register.latest_edition
    if edition is None:
        return None
    urls = RegisterUrls(register.mapping, edition.number)
    if isinstance(subject, LinkClaim):
        frozen = (EditionLink.objects.select_related("source", "target")
                  .filter(edition=edition, link=subject.pk).first())  # fmt: skip
        words, pinned = LINK_WORDS, frozen and urls.permanent(urls.link(subject.pk))
        retired = subject.is_retired
        reason = subject.retired_reason
    else:
        frozen = (
            EditionElement.objects.select_related("framework")
            .filter(edition=edition, element=subject.pk)
            .first()
        )
        pinned = frozen and urls.permanent(urls.element_in(frozen.framework.slug, frozen.code))
        words = ELEMENT_WORDS
        retired = subject.retired
        reason = subject.retired_reason
    if retired:
        return Standing("retired", edition, subject.updated_at, reason, pinned or "")
    if frozen is None:
        return _left_out(register, subject) or Standing("new", edition)
    linked = register if isinstance(subject, LinkClaim) else None
    if what := _differs(subject, frozen, words, linked):
        return Standing("changed", edition, _last_changed(subject), other_url=pinned, what=what)
    if not isinstance(subject, LinkClaim):
        under = [each.pk for each in register.subtree(subject)]
        if changed := _links_changed(register.mapping, edition, under):
            return Standing("changed", edition, changed, other_url=pinned, what=LINKS_CHANGED)
    return Standing("as_published", edition, other_url=pinned)


def _links_changed(mapping, edition: Edition, ids: list[int]) -> datetime | None:
    """When the links of an element and of what sits under it (ids: theirs, live) last
    changed, if the live register's differ from those the edition published (a relation or
    rationale edited, a link added or retired): its page shows them, so the live page no
    longer reads as the edition published it."""
    live = mapping.links.filter(Q(source__in=ids) | Q(target__in=ids)).values_list(
        "pk", *LINK_WORDS, "status", "source__retired", "target__retired", "updated_at"
    )
    shown, stamps = set(), []
    for pk, relation, rationale, example, status, *retired, updated_at in live:
        stamps.append(updated_at)
        if status != LinkStatus.RETIRED and not any(retired):
            shown.add((pk, relation, rationale, example))
    published = EditionLink.objects.filter(edition=edition).filter(
        Q(source__element__in=ids) | Q(target__element__in=ids)
    )
    if shown == set(published.values_list("link_id", *LINK_WORDS)):
        return None
    return max(stamps, default=edition.published_at)


def _left_out(register, subject) -> Standing | None:
    """A link an earlier edition published and the latest left out (it was changed and not
    approved again before that edition): it stands against the last edition that has it."""
    if not isinstance(subject, LinkClaim):
        return None
    earlier = (
        EditionLink.objects.filter(edition__mapping=register.mapping, link=subject.pk)
        .select_related("edition")
        .order_by("-edition__number")
        .first()
    )
    if earlier is None:
        return None
    urls = RegisterUrls(register.mapping, earlier.edition.number)
    return Standing("left_out", earlier.edition, other_url=urls.permanent(urls.link(subject.pk)))


def pinned_standing(register, subject) -> Standing:
    """A link's or element's standing, as an edition froze it, against the live register."""
    edition, live_urls = register.edition, register.urls.live
    if isinstance(subject, LinkClaim):
        live = Link.objects.select_related("source", "target").filter(pk=subject.link_id).first()
        words, retired = LINK_WORDS, live is not None and live.is_retired
        url = live_urls.link(subject.link_id)
    else:
        live = Element.objects.filter(pk=subject.element_id).first()
        words, retired = ELEMENT_WORDS, live is not None and live.retired
        url = live and live_urls.element(subject.side, live.code)
    if live is None:
        return Standing("deleted", edition)
    if retired:
        return Standing("retired", edition, live.updated_at, live.retired_reason, url)
    linked = register if isinstance(subject, LinkClaim) else None
    if what := _differs(subject, live, words, linked):
        return Standing("changed", edition, _last_changed(live), other_url=url, what=what)
    if not isinstance(subject, LinkClaim):
        under = [each.element_id for each in register.subtree(subject)]
        if changed := _links_changed(register.mapping, edition, under):
            return Standing("changed", edition, changed, other_url=url, what=LINKS_CHANGED)
    return Standing("same", edition, other_url=url)
