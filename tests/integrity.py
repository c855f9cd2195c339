"""What tests of the database's own rules share."""

import pytest
from django.db import IntegrityError, transaction


def refused(action):
    """Run action against the database and assert the database itself refuses it."""
    with pytest.raises(IntegrityError), transaction.atomic():
        action()
