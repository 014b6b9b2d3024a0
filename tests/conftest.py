import pytest

from tests.factories import EventFactory, MembershipFactory, OrganiserFactory, UserFactory


@pytest.fixture
def organiser():
    return OrganiserFactory(name="Connected by Data", slug="connected-by-data")


@pytest.fixture
def event(organiser):
    return EventFactory(
        organiser=organiser, title="Open Government and AI", slug="open-government-ai"
    )


@pytest.fixture
def organiser_user(organiser):
    """A staff user who manages events of ``organiser``."""
    return MembershipFactory(organiser=organiser, user=UserFactory(username="olivia")).user


@pytest.fixture
def organiser_client(client, organiser_user):
    client.force_login(organiser_user)
    return client


@pytest.fixture
def run_worker():
    """Run ``manage.py db_worker`` until the queue is empty, as production's worker would."""
    from django.core.management import call_command

    def run():
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval=0", verbosity=0
        )

    return run


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached: cached pages never leak between tests."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
