from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "kaikukanta.stats"
    verbose_name = _("Stats")

    def ready(self) -> None:
        from kaikukanta.lib import navigation as nav

        nav.register_nav(nav.NavItem(
            key="stats", label=_("Statistics"), url_name="stats:index",
            description=_("Cards and uses for your area, unit or venue, with downloads."),
            visible=lambda s: not s.is_anonymous, order=70,
        ))
