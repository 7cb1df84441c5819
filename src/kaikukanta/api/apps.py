from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "kaikukanta.api"
    verbose_name = _("Partner API")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from kaikukanta.api import signals
        from kaikukanta.lib import navigation as nav

        # a cached key (`services.api_key_for_secret`) is forgotten when it changes
        for model, handler in signals.HANDLERS:
            post_save.connect(handler, sender=model, dispatch_uid=f"api-key-cache-{model}")
            post_delete.connect(handler, sender=model,
                                dispatch_uid=f"api-key-cache-del-{model}")

        nav.register_nav(nav.NavItem(
            key="api_keys", label=_("API keys"), url_name="api:key_list",
            description=_("Keys for the partner API of the organisations you coordinate."),
            visible=nav.is_coordinator, order=90,
        ))
