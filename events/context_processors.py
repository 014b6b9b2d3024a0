from django.conf import settings


def site(request):
    return {
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "PRIVACY_NOTICE_VERSION": settings.PRIVACY_NOTICE_VERSION,
        "PRIVACY_CONTACT_EMAIL": settings.PRIVACY_CONTACT_EMAIL,
    }
