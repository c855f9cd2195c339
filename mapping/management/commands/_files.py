"""What the commands that write and read whole documents share: writing to a file or to
stdout, and reading a file as a pydantic model, each failure a plain CommandError."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TypeVar

from django.core.management.base import CommandError
from pydantic import BaseModel, ValidationError


def write(text: str, output: Path | None, *, private: bool = False) -> None:
    """private: the file is its owner's alone (0600), from before anything is written."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        if private:
            output.touch(mode=0o600, exist_ok=True)
            output.chmod(0o600)
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CommandError(f"{output} cannot be written: {error.strerror}.") from error


Model = TypeVar("Model", bound=BaseModel)


def read(path: Path, model: type[Model], what: str) -> Model:
    try:
        return model.model_validate_json(path.read_bytes())
    except OSError as error:
        raise CommandError(f"{path} cannot be read: {error.strerror}.") from error
    except ValidationError as error:
        raise CommandError(f"{path} is not {what}: {error}") from error
