"""Registrations' admin: its own models' admins, and the event admin it extends."""

from . import event, registration

__all__ = ["event", "registration"]
