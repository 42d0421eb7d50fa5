"""Outgoing email: queued in the database with the write that causes it, sent by `manage.py send_queued_email`."""
