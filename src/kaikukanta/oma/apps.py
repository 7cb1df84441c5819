from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OmaConfig(AppConfig):
    name = "kaikukanta.oma"
    verbose_name = _("OmaKaiku")
