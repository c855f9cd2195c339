"""Weave's background worker: django-tasks' db_worker (imports, PDFs, emails), started again
when the database refuses it for a moment. db_worker waits out a locked database while it
looks for work, but a lock met as it begins or ends that look, or a connection lost, ends
it for good, and imports then wait for ever at "Checking the file…". `make run` and
`make serve` run this in its place; a stop (Ctrl-C, SIGTERM) still ends it at once."""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, connections

# How long to wait before starting again, so that a database down for good is not hammered.
RETRY_SECONDS = 2


class Command(BaseCommand):
    help = "Run the background worker, starting it again after a database error."

    def handle(self, *args, **options) -> None:
        while True:
            try:
                call_command("db_worker", reload=False, startup_delay=False)
                return  # stopped by a signal, as asked
            except (OperationalError, InterfaceError) as error:
                self.stderr.write(f"The worker stopped on a database error ({error}); starting "
                                  f"it again in {RETRY_SECONDS} s.")  # fmt: skip
                connections.close_all()
                time.sleep(RETRY_SECONDS)
