from django.contrib.admin.apps import AdminConfig


class TurnoutAdminConfig(AdminConfig):
    """Django's admin, on Turnout's own site class (``config.admin.TurnoutAdminSite``)."""

    default_site = "config.admin.TurnoutAdminSite"

    def ready(self):
        super().ready()
        # Turnout's own system checks, run by every management command and `check --deploy`.
        from config import checks  # noqa: F401
