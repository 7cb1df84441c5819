from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WellbeingConfig(AppConfig):
    name = "kaikukanta.wellbeing"
    verbose_name = _("Wellbeing indicators")

    def ready(self) -> None:
        from kaikukanta.lib import navigation as nav

        nav.register_nav(nav.NavItem(
            key="wellbeing", label=_("Wellbeing indicators"), url_name="wellbeing:index",
            description=_("The wellbeing meter and the mood meter, as protected figures."),
            visible=lambda s: s.is_national or s.is_coordinator or bool(
                s.venue_org_ids or s.venue_site_ids),
            order=75,
        ))
