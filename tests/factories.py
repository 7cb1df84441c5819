"""Small builders for tests: cards and offers straight into the database (no rules)."""

from __future__ import annotations

import datetime

from kaikukanta.cards import numbers
from kaikukanta.cards.models import Card, CardKind, CardStatus
from kaikukanta.cards.validity import validity_end


def make_card(
    unit=None,
    *,
    number: str | None = None,
    status: str = CardStatus.ACTIVE,
    kind: str = CardKind.PERSONAL,
    issued_on: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    children: int = 0,
    birth_year: int | None = 1980,
    postal_code: str = "02100",
    area=None,
) -> Card:
    """A card; by default registered today at `unit` and valid for a year."""
    today = datetime.date.today()
    issued_on = issued_on or today
    registered = status in (CardStatus.ACTIVE, CardStatus.INACTIVE)
    return Card.objects.create(
        number=number or numbers.generate(),
        kind=kind,
        status=status,
        unit=unit if registered else None,
        area=area or (unit.organisation.home_area if unit is not None else None),
        issued_on=issued_on if registered else None,
        valid_until=(valid_until or validity_end(issued_on)) if registered else None,
        children=children,
        birth_year=birth_year if kind == CardKind.PERSONAL and registered else None,
        postal_code=postal_code if kind == CardKind.PERSONAL and registered else "",
    )


def run_worker_once() -> None:
    """The background worker in batch mode, in this process: every waiting task, then back.
    django-tasks-db's worker installs its own SIGINT/SIGTERM/SIGQUIT handlers (a production
    worker's graceful stop) and leaves them; in a test process they would later turn a
    signal into a SystemExit inside whatever runs then (pytest-xdist's shutdown, a garbage
    collection callback), so the handlers are put back."""
    import signal

    from django.core.management import call_command

    names = [s for s in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, s)]
    saved = {name: signal.getsignal(getattr(signal, name)) for name in names}
    try:
        call_command("run_worker", batch=True, startup_delay=False, verbosity=0)
    finally:
        for name, handler in saved.items():
            signal.signal(getattr(signal, name), handler)
