from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "kaikukanta.network"
    verbose_name = _("Network")

    def ready(self) -> None:
        from kaikukanta.lib import navigation as nav

        nav.register_nav(nav.NavItem(
            key="areas", label=_("Areas"), url_name="network:area_list",
            description=_("The areas you work in, their municipalities and status."),
            visible=nav.is_coordinator, order=80,
        ))
        nav.register_nav(nav.NavItem(
            key="organisations", label=_("Organisations"), url_name="network:organisation_list",
            description=_("Distributors, venues and ticket sellers you can see."),
            visible=lambda s: not s.is_anonymous, order=85,
        ))
