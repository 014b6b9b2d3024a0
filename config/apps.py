from django.contrib.admin.apps import AdminConfig


class TurnoutAdminConfig(AdminConfig):
    """Django's admin, on Turnout's own site class (``config.admin.TurnoutAdminSite``)."""

    default_site = "config.admin.TurnoutAdminSite"
