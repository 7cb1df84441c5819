"""Wellbeing fixtures: answers written straight into the tables (for figures), and a few
helpers to pick record keys whose perturbation is zero, so the formulas can be checked by
hand."""

from __future__ import annotations

import datetime

import pytest

from kaikukanta.cards.models import CardEvent, CardEventKind
from kaikukanta.lib import cellkey
from kaikukanta.wellbeing.figures import years_open
from kaikukanta.wellbeing.models import Channel, MoodAnswer, WellbeingAnswer
from tests.api.conftest import api, keys  # noqa: F401 (fixtures: the API, for the card test)
from tests.factories import make_card
from tests.oma.conftest import (  # noqa: F401 (fixtures: a holder signed in to OmaKaiku)
    account,
    code,
    holder_card,
    holder_client,
)

YEAR = years_open(datetime.date.today())[0]  # the newest year the dashboards show


def zero_noise_key(*, shift: int = 0, count: bool = True) -> int:
    """The smallest key sum K for which the cell K + shift has no perturbation: count +0,
    sum +0 and sum of squares +0."""
    for k in range(cellkey.KEY_RANGE):
        c = k + shift
        if ((not count or cellkey.perturb(20, c) == 20)
                and cellkey.magnitude_noise(c, 1) == 0 and cellkey.magnitude_noise(c, 2) == 0):
            return k
    raise AssertionError("no key")


def items_for(score: int) -> dict:
    """Five items (0–5) that add up to score / 4."""
    raw = score // 4
    assert raw * 4 == score and 0 <= raw <= 25
    out, left = {}, raw
    for i in range(1, 6):
        v = min(5, left)
        out[f"who{i}"] = v
        left -= v
    return out


def put_answer(card, *, time_point: int = 0, score: int, key: int = 0, year: int = YEAR,
               month: int = 6, area=None, municipality=None, **choices) -> WellbeingAnswer:
    return WellbeingAnswer.objects.create(
        card=card, time_point=time_point, score=score, record_key=key,
        month=datetime.date(year, month, 1), channel=Channel.PAPER,
        area=area if area is not None else card.area,
        municipality=municipality if municipality is not None else card.municipality,
        **items_for(score), **choices)


def put_mood(site, *, face: int, again: str = "", key: int = 0, year: int = YEAR,
             offer=None, category: str = "culture") -> MoodAnswer:
    return MoodAnswer.objects.create(
        venue=site.organisation, site=site, offer=offer, area=site.organisation.home_area,
        municipality=site.municipality, category=category,
        month=datetime.date(year, 5, 1), face=face, again=again, record_key=key)


def register_event(card, *, year: int = YEAR, kind: str = CardEventKind.REGISTERED):
    return CardEvent.objects.create(card=card, kind=kind, on=datetime.date(year, 3, 1),
                                    unit=card.unit)


@pytest.fixture
def cards_a(cast, geo):
    """Twenty personal cards of area a (Espoo residents)."""
    out = []
    for _ in range(20):
        card = make_card(cast.a.unit)
        card.municipality = geo.municipalities["049"]
        card.save(update_fields=["municipality"])
        out.append(card)
    return out
