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
