"""What one registration costs the database, with the caches production has: the queries of a
register POST are pinned so that none is added unnoticed."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

from config.settings import cache_from_url
from registrations.models import Registration
from tests.factories import EventFactory
from tests.registrations.test_views import form_data, register_url

pytestmark = pytest.mark.django_db

PRODUCTION_CACHES = {**settings.CACHES, "default": cache_from_url("")}


@override_settings(CACHES=PRODUCTION_CACHES, REGISTRATIONS_PER_ADDRESS_PER_HOUR=60)
def test_register_post_with_the_rate_limit_counted(event, django_assert_max_num_queries):
    Client().post(register_url(event), form_data(email="first@example.org"))
    # On PostgreSQL a session prepares each statement the first time it sends it, in a round
    # trip of its own: the registration before the one counted sends the same statements.
    Client().post(register_url(event), form_data(email="before@example.org"))
    visitor = Client()

    # The event, its questions; the address's count this hour (locked, read, written, in a
    # transaction); then the registration's transaction: its lock, the kept counts, the
    # registration, the counts' change, its email and the email's task. PostgreSQL is sent the
    # event with its questions, its counts and the new rows' ids, then the lock with every row
    # written, each in one round trip; SQLite runs each statement by itself.
    expected = 8 if connection.vendor == "postgresql" else 14
    with django_assert_max_num_queries(expected) as counted:
        response = visitor.post(register_url(event), form_data(email="second@example.org"))

    assert response.status_code == 302
    assert Registration.objects.filter(email="second@example.org").exists()
    assert not any("COUNT(" in query["sql"] for query in counted.captured_queries)
    assert not response.cookies.get("sessionid")


@override_settings(CACHES=PRODUCTION_CACHES, REGISTRATIONS_PER_ADDRESS_PER_HOUR=0)
def test_register_post_without_a_rate_limit(event, django_assert_max_num_queries):
    # The first registration of another event sends the same statements, which the session
    # prepares then (on PostgreSQL, once per session, in round trips of their own).
    Client().post(register_url(EventFactory(organiser=event.organiser)), form_data())
    with django_assert_max_num_queries(5 if connection.vendor == "postgresql" else 10):
        response = Client().post(register_url(event), form_data())

    assert response.status_code == 302
