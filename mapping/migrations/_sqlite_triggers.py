"""Every trigger off SQLite around a table rebuild, and back after: standards' helper,
which serves both apps (see standards/migrations/_sqlite_triggers.py)."""

import importlib

_triggers = importlib.import_module("standards.migrations._sqlite_triggers")
drop, create = _triggers.drop, _triggers.create
