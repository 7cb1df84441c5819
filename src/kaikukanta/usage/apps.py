from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsageConfig(AppConfig):
    name = "kaikukanta.usage"
    verbose_name = _("Usage")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from kaikukanta.usage.models import Offer
        from kaikukanta.usage.selectors import offers_changed

        def offer_changed(sender, instance, **kwargs):
            offers_changed()

        for when, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(offer_changed, sender=Offer, weak=False,
                           dispatch_uid=f"kaikukanta_desk_offers_{when}")

        from kaikukanta.lib.navigation import (
            NavItem,
            is_culture_coordinator,
            is_venue,
            records_uses,
            register_nav,
        )

        register_nav(NavItem(
            key="usage_desk", label=_("Ticket desk"), url_name="usage:desk",
            description=_("Check a card and record a use."), visible=records_uses, order=20))
        register_nav(NavItem(
            key="usage_uses", label=_("Uses"), url_name="usage:uses",
            description=_("Recent uses, cancelling and counts per month."),
            visible=records_uses, order=21))
        register_nav(NavItem(
            key="usage_offers", label=_("Offers"), url_name="usage:offers",
            description=_("Your Kaikukortti offers."), visible=is_venue, order=22))
        register_nav(NavItem(
            key="usage_backfill", label=_("Enter afterwards"), url_name="usage:backfill",
            description=_("Uses from the paper form, one by one or from a file."),
            visible=records_uses, order=23))
        register_nav(NavItem(
            key="usage_lookups", label=_("Look-ups slowed down"), url_name="usage:lookups",
            description=_("Possible guessing of card numbers at your area's venues."),
            visible=is_culture_coordinator, order=60))
