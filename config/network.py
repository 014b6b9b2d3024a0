"""Who is asking: the visitor's network address, for rate limits and sign-in lockouts."""

from django.conf import settings


def client_address(request) -> str:
    """The visitor's network address; behind a trusted proxy, the one the proxy saw."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        # The proxy appends the address it saw; anything before it the client could write.
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
