"""Two administrators removing each other at the same moment: one goes, the other is
refused as the site's last. On PostgreSQL, where two transactions run at once; SQLite runs
Weave's writes one at a time (BEGIN IMMEDIATE), and its in-memory test database cannot hold
two connections' transactions side by side."""

import threading

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection

from mapping.access import people as operations


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["demote", "deactivate"])
def test_two_administrators_removing_each_other_at_once_leave_one(how):
    if connection.vendor != "postgresql":
        pytest.skip("two transactions at once need PostgreSQL (SQLite writes one at a time)")
    first, second = User.objects.create_superuser("first"), User.objects.create_superuser("second")
    start = threading.Barrier(2)
    refused = []

    def remove(person, by):
        try:
            start.wait()
            if how == "demote":
                operations.change_role(person, "publisher", None, by=by, reason="Race.")
            else:
                operations.set_active(person, False, by=by, reason="Race.")
        except ValidationError as error:
            refused.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=remove, args=pair) for pair in
               ((first, second), (second, first))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(refused) == 1 and "the site's only active administrator" in refused[0]
    assert User.objects.filter(is_superuser=True, is_active=True).count() == 1
