"""The admin site organisers work in, titled with the organisation's name."""

import time
from functools import update_wrapper

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import BadRequest, EmptyResultSet, FullResultSet
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from config import two_factor

# How often an admin page saves the session to move its expiry on, in seconds: a few minutes
# off the idle timeout, instead of a database write for every page.
SESSION_REFRESH_SECONDS = 300


def keep_session_alive(request) -> None:
    """Slide the session's expiry (ADMIN_SESSION_HOURS) while its user works in the admin."""
    now = int(time.time())
    if now - request.session.get("admin_active_at", 0) >= SESSION_REFRESH_SECONDS:
        # Saving the session sets its expiry to SESSION_COOKIE_AGE from now.
        request.session["admin_active_at"] = now


def validated(changelist_class):
    """``changelist_class``, answering a filter the database cannot apply (a year past 9999,
    a month 13, a word for a number) with 400 instead of a server error."""

    class ValidatedChangeList(changelist_class):
        def get_queryset(self, request, exclude_parameters=None):
            try:
                queryset = super().get_queryset(request, exclude_parameters)
                # Values are turned into SQL only here; the year 99999999 fails on the way.
                queryset.query.get_compiler(queryset.db).as_sql()
            except (EmptyResultSet, FullResultSet):
                return queryset
            except (IncorrectLookupParameters, ValueError, OverflowError) as error:
                raise BadRequest("A filter the database cannot apply") from error
            return queryset

    return ValidatedChangeList


class ValidatedFilters:
    """Mixed into every admin of the site, Django's and other packages' included."""

    def get_changelist(self, request, **kwargs):
        return validated(super().get_changelist(request, **kwargs))


class TurnoutAdminSite(admin.AdminSite):
    site_header = format_lazy(_("{organisation} events"), organisation=settings.ORGANISATION_NAME)
    site_title = site_header
    index_title = _("Events and registrations")

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, ValidatedFilters):
            admin_class = type(admin_class.__name__, (ValidatedFilters, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

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

    login_form = two_factor.AdminLoginForm
    login_template = "admin/turnout_login.html"

    def has_permission(self, request):
        """Staff, and for those who set up two-factor sign-in, signed in with their code."""
        if not super().has_permission(request):
            return False
        user = request.user
        return two_factor.is_verified(user) or not two_factor.has_device(user)

    def admin_view(self, view, cacheable=False):
        """Every admin page: a superuser who must set up two-factor sign-in does that first,
        and each page opened keeps the session alive for ADMIN_SESSION_HOURS more."""
        protected = super().admin_view(view, cacheable)
        exempt = getattr(view, "allowed_before_two_factor", False) or view == self.logout

        def inner(request, *args, **kwargs):
            if self.has_permission(request):
                keep_session_alive(request)
                if not exempt and two_factor.must_set_up(request.user):
                    return redirect("two_factor_setup")
            return protected(request, *args, **kwargs)

        return update_wrapper(inner, protected)


def lockout_response(request, original_response=None, credentials=None):
    """The page shown instead of signing in while the network address is locked out
    (django-axes' AXES_LOCKOUT_CALLABLE)."""
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    context = {
        **admin.site.each_context(request),
        "lockout_hours": minutes // 60 if minutes % 60 == 0 else None,
        "lockout_minutes": minutes,
    }
    return render(request, "admin/lockout.html", context, status=429)
