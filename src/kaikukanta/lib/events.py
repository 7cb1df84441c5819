"""A small in-process dispatch: writers publish what they have just recorded, and
subscribers keep derived data in step, in the same transaction (a handler that fails
rolls the write back). Writers never know who listens: the statistics subscribe in
`StatsConfig.ready()`, so `cards` and `usage` do not import `stats`.

Events (name: payload):
- "card.changed": card, event (a `cards.CardEvent` just written)
- "use.recorded": use
- "uses.recorded": uses (many at once, a file import: light records with the use's column
  values, `pk` and its card loaded, not model instances)
- "use.cancelled": use
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_SUBSCRIBERS: dict[str, list[Callable[..., None]]] = {}


def subscribe(name: str, handler: Callable[..., None]) -> None:
    handlers = _SUBSCRIBERS.setdefault(name, [])
    if handler not in handlers:
        handlers.append(handler)


def publish(name: str, /, **payload: Any) -> None:
    for handler in _SUBSCRIBERS.get(name, ()):
        handler(**payload)
