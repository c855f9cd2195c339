"""Log lines a person can read: a request refused (403, 404, 400…) or turned away because
the database could not be reached is one line, not a traceback. Real faults keep theirs."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError


class OneLineUnlessFault(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        error = record.exc_info[1] if record.exc_info else None
        if (status is not None and status < 500) or isinstance(
            error, OperationalError | InterfaceError
        ):
            if error is not None and status is not None and status >= 500:
                record.msg = f"{record.getMessage()} (the database: {error})".replace("%", "%%")
                record.args = ()
            record.exc_info = record.exc_text = None
        return True
