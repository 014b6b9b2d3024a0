"""Every write to registrations goes through here.

Each function that can change who holds a place locks the event row first and reads the
counts only after the lock is taken, so concurrent requests queue up instead of
overbooking. On SQLite the whole database is locked by the immediate transaction instead.

Locks are taken in one order everywhere, so that no two transactions ever wait for each
other in a circle (PostgreSQL would end one of them with "deadlock detected"):

1. the event's row (``locking.locked_event``);
2. then registrations of that event: the rows it locks or changes, and the rows it inserts,
   whose addresses take entries in the unique index of active addresses — a second
   transaction writing the same address waits for that entry.

A function that writes registrations takes the event's lock before it writes any of them,
registering included: inserting first would hold the address's index entry while waiting
for the event, and someone holding the event and writing that address would wait back.
Only a function that changes one registration's row and waits for nothing after it
(check-in, confirming an email address) may lock that row without the event.

Events can ask people to confirm their email address: a registration then holds its place,
or its place in the queue, until ``hold_expires_at``. Whoever counts the places to register
someone first releases the expired holds under the event's lock, and
``release_expired_holds`` (``manage.py release_unconfirmed``) does it for every event.
"""

from .added import add_registration
from .copies import copy_event
from .counting import CountDifference, count_differences, fix_counts
from .details import remove_question, store_answers, update_details
from .door import check_in, give_place_at_door, register_walk_in, undo_check_in
from .errors import AlreadyRegistered, RegistrationError, RegistrationRefused
from .modes import switch_attendance
from .organisers import (
    CAPACITY_FIELDS,
    EventChanged,
    apply_website_change,
    capacity_below_confirmed,
    change_event,
    queue_reminders,
    save_registration_settings,
    send_organiser_message,
)
from .personal_data import Purged, erase, purge_personal_data, request_personal_links
from .places import (
    ALREADY_REGISTERED_EMAILS_PER_HOUR,
    HOLD_EXPIRED_MESSAGE,
    active_registration_for,
    attendance_at,
    cancel,
    confirm_email,
    delete,
    fill_free_places,
    promote,
    register,
    release_expired_holds,
)

__all__ = [
    "ALREADY_REGISTERED_EMAILS_PER_HOUR",
    "CAPACITY_FIELDS",
    "HOLD_EXPIRED_MESSAGE",
    "AlreadyRegistered",
    "CountDifference",
    "EventChanged",
    "Purged",
    "RegistrationError",
    "RegistrationRefused",
    "active_registration_for",
    "attendance_at",
    "add_registration",
    "apply_website_change",
    "cancel",
    "capacity_below_confirmed",
    "change_event",
    "check_in",
    "copy_event",
    "confirm_email",
    "count_differences",
    "delete",
    "erase",
    "fill_free_places",
    "fix_counts",
    "give_place_at_door",
    "promote",
    "purge_personal_data",
    "queue_reminders",
    "save_registration_settings",
    "register",
    "register_walk_in",
    "release_expired_holds",
    "remove_question",
    "request_personal_links",
    "send_organiser_message",
    "store_answers",
    "switch_attendance",
    "undo_check_in",
    "update_details",
]
