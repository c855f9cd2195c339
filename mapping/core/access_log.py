"""gunicorn's access log (`make serve`), with the one-time keys that some addresses carry
written as "…": an invitation's, a password reset's. Only their SHA-256 digests are kept in
the database; a log that kept the keys themselves would undo that."""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

# /invitations/<key>/ and /accounts/reset/<uidb64>/<token>/, wherever they appear in a value.
KEYED = re.compile(r"(/invitations/|/accounts/reset/[^/\s?]+/)[^/\s?]+")


def hidden(text: str) -> str:
    return KEYED.sub(r"\1…", text)


class KeysHidden(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # The request line, the path and the referrer, and any header or environ value a
        # log format may name.
        return {name: hidden(value) if isinstance(value, str) and "/" in value else value
                for name, value in atoms.items()}  # fmt: skip
