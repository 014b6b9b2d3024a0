"""The admin site organisers work in, titled with the organisation's name."""

from django.conf import settings
from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class TurnoutAdminSite(admin.AdminSite):
    site_header = format_lazy(_("{organisation} events"), organisation=settings.ORGANISATION_NAME)
    site_title = site_header
    index_title = _("Events and registrations")
