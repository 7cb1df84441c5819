from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "kaikukanta.stats"
    verbose_name = _("Stats")

    def ready(self) -> None:
        from django.db.models import signals

        from kaikukanta.cards.models import Card
        from kaikukanta.lib import events
        from kaikukanta.lib import navigation as nav
        from kaikukanta.stats import cardspan, hooks

        # The figures follow what the card and use services record (same transaction).
        # Looked up at call time, so a test may replace a hook.
        events.subscribe("card.changed", lambda card, event: hooks.on_card_event(card, event))
        events.subscribe("use.recorded", lambda use: hooks.on_use_recorded(use))
        events.subscribe("uses.recorded", lambda uses: hooks.on_uses_recorded(uses))
        events.subscribe("use.cancelled", lambda use: hooks.on_use_cancelled(use))
        # The card spans follow every save of a card row, whoever makes it (stats.cardspan).
        signals.pre_save.connect(cardspan.card_saving, sender=Card,
                                 dispatch_uid="stats.cardspan.saving")
        signals.post_save.connect(cardspan.card_saved, sender=Card,
                                  dispatch_uid="stats.cardspan.saved")
        # after the spans: the municipality rollups follow a card's move (stats.hooks)
        signals.post_save.connect(hooks.card_municipality_saved, sender=Card,
                                  dispatch_uid="stats.hooks.municipality")
        signals.post_delete.connect(cardspan.card_deleted, sender=Card,
                                    dispatch_uid="stats.cardspan.deleted")

        nav.register_nav(nav.NavItem(
            key="stats", label=_("Statistics"), url_name="stats:index",
            description=_("Cards and uses for your area, unit or venue, with downloads."),
            visible=lambda s: not s.is_anonymous, order=70,
        ))
