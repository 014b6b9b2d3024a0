"""What the venue's link leads to. Organisers and the website put either a map or the venue's
own website in the same field, and a link must say which it is: "Map and directions" that
opens a hotel's booking page sends people looking for a map that is not there."""

from urllib.parse import urlsplit

# Services whose every page is a map or a place on one.
MAP_HOSTS = {"openstreetmap.org", "osm.org", "here.com", "waze.com", "what3words.com"}


def is_map(url: str) -> bool:
    """Whether ``url`` is a map: a known map service, a ``maps.`` host or a ``/maps`` page
    (Google, Bing)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    if host.startswith("maps."):
        return True
    if any(host == known or host.endswith(f".{known}") for known in MAP_HOSTS):
        return True
    return parts.path == "/maps" or parts.path.startswith("/maps/")
