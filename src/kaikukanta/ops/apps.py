from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the registry: health check, replica router, retention, backups, tasks."""

    name = "kaikukanta.ops"
    verbose_name = _("Operations")
