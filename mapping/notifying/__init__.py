"""Notifications by email: what the write path announces, gathered into notices for the
people who asked to hear (mapping/models/notices.py), and sent by the background worker."""
