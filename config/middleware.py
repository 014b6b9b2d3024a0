"""Response headers that Django has no setting for."""

from django.conf import settings


def permissions_policy(get_response):
    """Switch off the browser features in PERMISSIONS_POLICY for every page."""
    header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def middleware(request):
        response = get_response(request)
        response.setdefault("Permissions-Policy", header)
        return response

    return middleware
