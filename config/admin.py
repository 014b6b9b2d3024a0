"""The admin site organisers work in, titled with the organisation's name."""

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class TurnoutAdminSite(admin.AdminSite):
    site_header = format_lazy(_("{organisation} events"), organisation=settings.ORGANISATION_NAME)
    site_title = site_header
    index_title = _("Events and registrations")

    def get_urls(self):
        scoped_view_on_site = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [
            scoped_view_on_site if getattr(url, "name", None) == "view_on_site" else url
            for url in super().get_urls()
        ]

    def view_on_site(self, request, content_type_id, object_id):
        """Django's "view on site" shortcut, for objects the user may see in this admin only.

        Django's own hands any staff user the address of any object, a draft event of another
        organisation included; here anything the user could not open in the admin is not found.
        """
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist as error:
            raise Http404 from error
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise Http404
        obj = model_admin.get_object(request, object_id)
        if obj is None or not model_admin.has_view_permission(request, obj):
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)
