from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "kaikukanta.public"
    verbose_name = _("Public pages")

    def ready(self) -> None:
        from kaikukanta.lib.navigation import (
            NavItem,
            is_coordinator,
            is_venue,
            register_nav,
        )
        from kaikukanta.public import signals  # noqa: F401 (open-data cache version)

        register_nav(NavItem(
            key="public_areas", label=_("Public pages"), url_name="public_staff:areas",
            description=_("Your area's public page, printable brochure and feedback."),
            visible=is_coordinator, order=55))
        register_nav(NavItem(
            key="public_venue", label=_("Public listing"), url_name="public_staff:venue",
            description=_("Which offers the public sees, addresses and accessibility."),
            visible=lambda s: bool(s.venue_org_ids) and is_venue(s), order=24))
