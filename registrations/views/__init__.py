"""The registrations app's public pages, one module per journey, all importable from here."""

from .event_pages import CalendarJsonView, EventDetailView, EventListView, EventStatusView
from .personal import (
    cancel,
    confirm,
    erase,
    lost_link,
    lost_link_sent,
    manage,
    personal_calendar,
    switch_attendance,
)
from .register import check_email, register, register_done

__all__ = [
    "CalendarJsonView",
    "EventDetailView",
    "EventListView",
    "EventStatusView",
    "cancel",
    "check_email",
    "confirm",
    "erase",
    "lost_link",
    "lost_link_sent",
    "manage",
    "personal_calendar",
    "register",
    "register_done",
    "switch_attendance",
]
