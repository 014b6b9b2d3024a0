from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

from config import two_factor
from events import views as event_views
from registrations.urls import EVENT_PAGES

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="events:list", permanent=False)),
    path(
        "admin/two-factor/",
        admin.site.admin_view(two_factor.setup),
        name="two_factor_setup",
    ),
    path("admin/", admin.site.urls),
    path("healthz", event_views.healthz, name="healthz"),
    path("privacy/", TemplateView.as_view(template_name="privacy.html"), name="privacy"),
    path("brand.css", event_views.brand_css, name="brand_css"),
    path("events.ics", event_views.events_ics, name="events_ics"),
    path("events/", include(EVENT_PAGES)),
    path("", include("registrations.urls")),
]
