"""The background worker is started again after a database error (a lock met as db_worker
begins or ends its look for work ended it for good, and imports then waited for ever), and
stops when asked."""

from unittest import mock

from django.core.management import call_command
from django.db import OperationalError

from mapping.management.commands import weave_worker


def test_a_database_error_starts_the_worker_again_and_a_stop_ends_it(capsys):
    runs = [OperationalError("database is locked"), OperationalError("gone away"), None]
    with (
        mock.patch.object(weave_worker, "call_command", side_effect=runs) as worker,
        mock.patch.object(weave_worker.time, "sleep") as sleep,
    ):
        call_command("weave_worker")
    assert worker.call_count == 3
    assert worker.call_args.kwargs == {"reload": False, "startup_delay": False}
    assert sleep.call_count == 2
    said = capsys.readouterr().err
    assert "stopped on a database error (database is locked); starting it again in 2 s" in said


def test_any_other_failure_is_not_hidden():
    with mock.patch.object(weave_worker, "call_command", side_effect=ValueError("a bug")):
        try:
            call_command("weave_worker")
        except ValueError as error:
            assert str(error) == "a bug"
        else:
            raise AssertionError("the worker hid a failure that is not the database's")
