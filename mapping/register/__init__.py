"""The register, one interface over a mapping live or at an edition (base.py, live.py,
edition.py), with what it is read through: its addresses, its words, paging the link
table, comparing editions and how a page stands against the version one might cite."""

from mapping.register.base import SIDES, Register
from mapping.register.edition import EditionRegister
from mapping.register.filters import LinkFilter, LinkSection
from mapping.register.live import LiveRegister

__all__ = ["SIDES", "EditionRegister", "LinkFilter", "LinkSection", "LiveRegister", "Register"]
