from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CardsConfig(AppConfig):
    name = "kaikukanta.cards"
    verbose_name = _("Cards")

    def ready(self) -> None:
        from kaikukanta.lib import navigation as nav

        nav.register_nav(nav.NavItem(
            key="card_register", label=_("Register a card"), url_name="cards:register",
            description=_("Register a printed card or a mobile-only card for a client."),
            visible=nav.is_distributor, order=10,
        ))
        nav.register_nav(nav.NavItem(
            key="cards", label=_("Cards"), url_name="cards:card_list",
            description=_("Find a card by its number; renew, update, inactivate or replace "
                          "it."),
            visible=lambda s: nav.is_distributor(s) or nav.is_welfare_coordinator(s),
            order=12,
        ))
        nav.register_nav(nav.NavItem(
            key="card_stock", label=_("Card stock"), url_name="cards:batch_list",
            description=_("Make batches of card numbers and download them for printing."),
            visible=nav.is_coordinator, order=60,
        ))
