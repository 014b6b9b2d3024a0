"""What every request and response goes through, for which Django has no setting."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.urls import reverse
from django.utils import timezone

from events.models import Membership


class RefuseNulCharactersMiddleware:
    """A NUL character in the address is a bad request (400), on every page.

    No one types one: it comes from crafted links. PostgreSQL refuses NUL in text, so a NUL
    that reached a search, a filter or a lookup was a server error; SQLite took it. Forms are
    not concerned: Django's text fields refuse NUL with a message next to the field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL character in the address")
        return self.get_response(request)


def permissions_policy(get_response):
    """Switch off the browser features in PERMISSIONS_POLICY for every page."""
    header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def middleware(request):
        response = get_response(request)
        response.setdefault("Permissions-Policy", header)
        return response

    return middleware


def organiser_timezone(get_response):
    """The admin shows times that are not an event's (when someone registered, checked in or
    was emailed) in the timezone of the organisation the user works for; an event's own
    times are always shown in the event's timezone, with its name."""

    def middleware(request):
        if request.path.startswith(reverse("admin:index")) and request.user.is_authenticated:
            zone = (
                Membership.objects.filter(user=request.user)
                .order_by("pk")
                .values_list("organiser__timezone", flat=True)
                .first()
            )
            if zone:
                timezone.activate(zone)
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware
