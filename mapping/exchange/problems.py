"""What a file gets wrong, said where it is wrong: the row (or CASE item) and the column."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    message: str
    row: int | None = None  # the spreadsheet's row number, counting the header as 1
    column: str = ""
    item: str = ""  # a CASE item's identifier or code
    blocking: bool = True  # a warning is shown but does not stop the import

    @property
    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.item:
            parts.append(f"item {self.item}")
        if self.column:
            parts.append(f"column “{self.column}”")
        return ", ".join(parts)

    def as_dict(self) -> dict:
        return asdict(self) | {"where": self.where}


class UnreadableFile(Exception):
    """The file cannot be read at all: nothing in it can be checked."""
