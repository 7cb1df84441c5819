"""Dashboard results kept in the cache, made fresh by every change they count.

A dashboard's cache key holds tokens: one for the whole network, one per target it counts
(an area, venue, site, seller, distributor, unit or municipality), one for card changes
(for dashboards with card figures) and one for bulk rebuilds. A recorded, cancelled or
backfilled use replaces the tokens of every target it counts in; a card event replaces
the card token; `rollup_rebuild` replaces the rebuild token. A replaced token is a new
random value, so an entry computed before the change is never read again, even if the
cache lost a token in between. Tokens are replaced after the transaction commits, so a
dashboard computed from the old rows cannot be stored under the new token.

The key also holds the language (tables carry translated labels), today's date (valid
cards and ended months move with it), the period and exactness. Results are kept for
STATS_CACHE_SECONDS (0: not cached; the default without Redis, since a process's own
memory would miss other processes' changes).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

NATIONAL = ("national", 0)
CARDS = ("cards", 0)
REBUILD = ("rebuild", 0)


def _token_key(kind: str, pk) -> str:
    return f"stats:token:{kind}:{pk or 0}"


def _tokens(keys: list[tuple[str, object]]) -> list[str]:
    names = [_token_key(*k) for k in keys]
    found = cache.get_many(names)
    for name in names:
        if name not in found:
            cache.add(name, uuid.uuid4().hex, timeout=None)
            found[name] = cache.get(name)
    return [str(found[name]) for name in names]


def tokens_replace(keys: Iterable[tuple[str, object]]) -> None:
    """Replace the tokens now (callers inside a transaction use `..._after_commit`)."""
    cache.set_many({_token_key(*k): uuid.uuid4().hex for k in set(keys)}, timeout=None)


def _after_commit(keys: set[tuple[str, object]]) -> None:
    transaction.on_commit(lambda: tokens_replace(keys))


def on_use_changed(use) -> None:
    """A use was recorded, cancelled or backfilled: every dashboard counting it."""
    on_uses_changed([use])


def on_uses_changed(uses) -> None:
    """Many uses were recorded at once (a file import): one set of tokens, one query."""
    from kaikukanta.cards.models import Card
    from kaikukanta.network.models import Unit

    keys = {NATIONAL}
    unknown_units = set()
    for use in uses:
        keys |= {("area", use.area_id), ("area", use.card_area_id),
                 ("venue", use.venue_id), ("site", use.site_id)}
        if use.seller_id:
            keys.add(("seller", use.seller_id))
        card = use.card
        keys |= {("unit", card.unit_id), ("municipality", card.municipality_id)}
        if card.unit_id and isinstance(card, Card) and Card.unit.is_cached(card):
            keys.add(("distributor", card.unit.organisation_id))
        elif card.unit_id:
            unknown_units.add(card.unit_id)
    if unknown_units:
        keys |= {("distributor", org) for org in Unit.objects.filter(
            pk__in=sorted(unknown_units)).values_list("organisation_id", flat=True)}
    _after_commit(keys)


def on_card_changed() -> None:
    """A card was registered, renewed, changed, moved or inactivated."""
    _after_commit({NATIONAL, CARDS})


def on_rebuild() -> None:
    """The rollups were rebuilt (bulk loads, imports): every dashboard."""
    tokens_replace({REBUILD, NATIONAL, CARDS})


def dashboard_key(*, target, period, exact: bool) -> str:
    keys = [REBUILD, NATIONAL] if target.kind == "national" else [REBUILD, (target.kind,
                                                                           target.pk)]
    if target.has_cards:
        keys.append(CARDS)
    parts = [target.kind, str(target.pk or 0), str(period.start), str(period.end),
             str(int(exact)), translation.get_language() or "", str(timezone.localdate()),
             *_tokens(keys)]
    return "stats:dashboard:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def dashboard_cached(*, target, period, exact: bool):
    """`selectors.dashboard`, from the cache when fresh, reading from the replica if any."""
    from kaikukanta.lib.routers import replica_reads
    from kaikukanta.stats import selectors

    seconds = settings.STATS_CACHE_SECONDS
    key = dashboard_key(target=target, period=period, exact=exact) if seconds else None
    if key:
        found = cache.get(key)
        if found is not None:
            return found
    with replica_reads():
        result = selectors.dashboard(target=target, period=period, exact=exact)
    if key:
        cache.set(key, result, timeout=seconds)
    return result
