"""Which of a register's links a page shows, and the sections an element's page lists."""

from __future__ import annotations

from dataclasses import dataclass

from mapping.models import LinkSort


@dataclass(frozen=True)
class LinkFilter:
    """Which of a register's links to show, and in what order: element codes include
    everything under them."""

    source: str = ""
    target: str = ""
    relation: str = ""
    status: str = ""
    text: str = ""
    sort: str = LinkSort.SOURCE

    @property
    def is_filtered(self) -> bool:
        return any((self.source, self.target, self.relation, self.status, self.text))


@dataclass(frozen=True)
class LinkSection:
    """The first of the links made to one element (or to what sits under it) that a page
    lists, and how many there are in all: the link table lists every one."""

    element: object
    links: list
    total: int
    left_unlinked: object = None  # with nothing covering it: the decision to leave it so

    @property
    def unlisted(self) -> int:
        return self.total - len(self.links)
