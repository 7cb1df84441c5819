"""Where the statistics keep their pre-aggregated figures correct.

They subscribe to the events the card and usage services publish (`lib.events`, see
`StatsConfig.ready`), inside the same transaction as the write they report, so a figure
can never disagree with the rows it counts. Bulk loads that bypass the
services (demo data, imports, the benchmark) call `services.rollup_rebuild()` afterwards.

A recorded use is counted by its event date, venue's area, card's area, category, children
and companion ticket. If any of these is ever corrected, report it as a cancellation of
the old values followed by a new recording.
"""

from __future__ import annotations

from kaikukanta.stats import cache, services


def on_use_recorded(use) -> None:
    """A use was recorded (at the desk, from paper, from a file or through the API)."""
    services.rollup_add(use=use, sign=1)
    cache.on_use_changed(use)


def on_uses_recorded(uses) -> None:
    """Many uses were recorded at once (a file import); each has its card loaded."""
    services.rollup_add_many(uses=uses)
    cache.on_uses_changed(uses)


def on_use_cancelled(use) -> None:
    """A recorded use was cancelled."""
    services.rollup_add(use=use, sign=-1)
    cache.on_use_changed(use)


def on_card_event(card, event) -> None:
    """A card was registered, renewed, updated, inactivated, replaced or moved.

    Card figures come from the card spans, which follow every save of a card row
    (`stats.cardspan`). Only a move matters here: the uses of a card count for its
    issuing unit, so the days of its uses are rebuilt.
    """
    from kaikukanta.cards.models import CardEventKind

    if getattr(event, "kind", None) == CardEventKind.MOVED:
        services.rollup_rebuild_card(card=card)
    cache.on_card_changed()


def card_municipality_saved(sender, instance, raw=False, **kwargs) -> None:
    """post_save of a card, after the card spans' (`cardspan.card_saved`, which notes a
    changed municipality of residence): the municipality rollups and the card's card-month
    rows follow the card's municipality as it is now, in the saver's transaction."""
    if raw or "_municipality_before" not in instance.__dict__:
        return
    before = instance.__dict__.pop("_municipality_before")  # None: it had none
    services.rollup_card_municipality(card_id=instance.pk, old=before,
                                      new=instance.municipality_id,
                                      stats_key=instance.stats_key)
