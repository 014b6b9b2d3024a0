"""Rate limits counted in the shared database cache, as production has it: each request is
counted for the hour, at the cost of a few queries."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from config.settings import cache_from_url
from registrations.views.shared import within_limit

pytestmark = pytest.mark.django_db

PRODUCTION_CACHES = {**settings.CACHES, "default": cache_from_url("")}


def expiry_of_the_only_count():
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM turnout_cache WHERE cache_key LIKE %s", ["%limit:%"])
        (expires,) = cursor.fetchone()
    if isinstance(expires, str):
        expires = datetime.fromisoformat(expires)
    if timezone.is_naive(expires):  # SQLite keeps UTC without its offset
        expires = expires.replace(tzinfo=UTC)
    return expires


@override_settings(CACHES=PRODUCTION_CACHES)
def test_count_of_an_address_lasts_the_hour_from_its_first_request():
    assert within_limit("register", "192.0.2.1", 3)
    assert within_limit("register", "192.0.2.1", 3)
    assert within_limit("register", "192.0.2.1", 3)

    assert expiry_of_the_only_count() > timezone.now() + timedelta(minutes=55)
    assert not within_limit("register", "192.0.2.1", 3)
    assert within_limit("register", "192.0.2.2", 3)


@override_settings(CACHES=PRODUCTION_CACHES)
def test_count_started_again_once_expired():
    assert within_limit("register", "192.0.2.1", 1)
    assert not within_limit("register", "192.0.2.1", 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE turnout_cache SET expires = %s",
            [connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(seconds=1))],
        )

    assert within_limit("register", "192.0.2.1", 1)
    assert not within_limit("register", "192.0.2.1", 1)


@override_settings(CACHES=PRODUCTION_CACHES)
def test_counting_a_known_address_is_one_short_transaction(django_assert_num_queries):
    within_limit("register", "192.0.2.1", 5)

    # Its row locked and read, its value written; no count of the whole table.
    with django_assert_num_queries(4, exact=True) as counted:
        assert within_limit("register", "192.0.2.1", 5)

    assert not any("COUNT" in query["sql"] for query in counted.captured_queries)


@override_settings(CACHES=PRODUCTION_CACHES)
def test_increment_of_a_missing_count_refused():
    with pytest.raises(ValueError):
        cache.incr("limit:nothing")
