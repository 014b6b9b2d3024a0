"""Registrations' admin: its own models' admins, and the event admin it extends."""

from . import event, records, registration

__all__ = ["event", "records", "registration"]
