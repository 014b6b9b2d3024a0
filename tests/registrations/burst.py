"""Fire many registrations at a running server at the same moment, for the concurrency tests."""

import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

# A fixed CSRF secret sent as both cookie and form field: the pair is what Django checks.
CSRF_SECRET = "burstburstburstburstburstburst12"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, data: dict[str, str]) -> int:
    """POST a form as a browser would and return the status code, without following redirects."""
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": CSRF_SECRET, **data}).encode()
    request = urllib.request.Request(  # noqa: S310 - the tests' own server on loopback
        url,
        data=body,
        headers={"Cookie": f"csrftoken={CSRF_SECRET}", "Referer": url},
    )
    try:
        with _opener.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def registration_form(index: int) -> dict[str, str]:
    return {
        "name": f"Person {index}",
        "email": f"person{index}@example.org",
        "privacy_consent": "on",
        "submission_key": f"burst-{index}",
    }


def burst(requests: list[tuple[str, dict[str, str]]], concurrency: int = 8) -> list[int]:
    """Send the requests from ``concurrency`` threads that start together; return the status
    codes in order.

    Eight at a time stays within the test server's listen queue of ten connections.
    """
    workers = min(concurrency, len(requests))
    start = threading.Barrier(workers)
    thread = threading.local()

    def send(request):
        if not getattr(thread, "started", False):
            thread.started = True
            start.wait(timeout=30)
        url, data = request
        return post(url, data)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(send, requests))


# The address domain of the registrations an event starts with in the tests of a big event.
PREFILLED_DOMAIN = "prefilled.example"


def prefill(cursor, event_id: int, count: int, status: str = "confirmed") -> None:
    """Give an event ``count`` registrations of ``status`` in one statement (PostgreSQL), as a
    big event would have; their addresses end in ``PREFILLED_DOMAIN``. The caller counts them
    into the event's kept counts."""
    cursor.execute(
        """
        INSERT INTO registrations_registration (
            event_id, name, email, organisation, role, access_needs, dietary_requirements,
            privacy_consent_at, privacy_notice_version, status, token, created_at, updated_at,
            cancellation_reason, submission_key, organiser_note, dietary_options, search_text,
            language
        )
        SELECT %s, 'Attendee ' || n, 'attendee' || n || '@' || %s, '', '', '', '',
               now(), 'bench', %s, md5(random()::text || n) || md5(n::text || %s),
               now() - interval '1 day', now(), '', '', '', '',
               'attendee ' || n || ' attendee' || n || '@' || %s, 'en'
        FROM generate_series(1, %s) AS n
        """,
        [event_id, PREFILLED_DOMAIN, status, event_id, PREFILLED_DOMAIN, count],
    )
