"""Weave's own register JSON: its schema, writing it, and restoring a site from it."""
