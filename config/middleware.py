"""Checks every request goes through before it reaches a view."""

from django.core.exceptions import BadRequest


class RejectNullCharactersInQueryMiddleware:
    """Answer 400 Bad Request to a query string with a NUL character (``%00``) in it.

    No page of Turnout takes one, and PostgreSQL refuses text containing NUL, so a view that
    filters by a query parameter would otherwise fail with a server error. Form fields refuse
    NUL on their own (Django's form fields do), with a message next to the field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in "".join(values) for key, values in request.GET.lists()):
            raise BadRequest("NUL character in the query string")
        return self.get_response(request)
