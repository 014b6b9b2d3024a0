from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView, TemplateView
from django.views.i18n import set_language

from config import two_factor
from events import views as event_views
from registrations import views as registration_views
from registrations.urls import EVENT_PAGES

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="events:list", permanent=False)),
    path(
        "admin/two-factor/",
        admin.site.admin_view(two_factor.setup),
        name="two_factor_setup",
    ),
    # Where a colleague's invitation leads: Django's password reset, in the admin's frame.
    path(
        "admin/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("set_password_done"),
            extra_context={"site_header": admin.site.site_header},
        ),
        name="set_password",
    ),
    path(
        "admin/set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(
            extra_context={"site_header": admin.site.site_header}
        ),
        name="set_password_done",
    ),
    path("admin/", admin.site.urls),
    path("healthz", event_views.healthz, name="healthz"),
    # The footer's language switcher posts here and works without JavaScript. It is exempt
    # from CSRF because the event page is shared from a cache by visitors without cookies, so
    # it cannot carry a token; a forged post can only change the language a visitor reads.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("privacy/", TemplateView.as_view(template_name="privacy.html"), name="privacy"),
    path("brand.css", event_views.brand_css, name="brand_css"),
    path("events.ics", event_views.events_ics, name="events_ics"),
    path("events.json", registration_views.CalendarJsonView.as_view(), name="events_json"),
    path("events/", include(EVENT_PAGES)),
    path("", include("registrations.urls")),
]
