from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "kaikukanta.api"
    verbose_name = _("Partner API")

    def ready(self) -> None:
        from kaikukanta.lib import navigation as nav

        nav.register_nav(nav.NavItem(
            key="api_keys", label=_("API keys"), url_name="api:key_list",
            description=_("Keys for the partner API of the organisations you coordinate."),
            visible=nav.is_coordinator, order=90,
        ))
