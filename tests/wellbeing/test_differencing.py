"""Differencing attacks (issue 11) against the wellbeing and mood figures.

1. Before and after one answer: no published table changes at all (fixed, ended years;
   an answer counts in the month it is recorded).
2. Two overlapping published tables that differ by one answer (an area and the one of its
   two municipalities that is shown, the other having a single answer): the published
   figures are the same for very different answers, so comparing them does not give the
   answer; a simple attacker's guess is not much better than a coin.
"""

from __future__ import annotations

import datetime

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.lib.cellkey import KEY_RANGE
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.usage.models import Use
from kaikukanta.wellbeing import figures, services
from kaikukanta.wellbeing.figures import SCORE_SPREAD, protected_mean, years_open
from kaikukanta.wellbeing.models import Channel
from kaikukanta.wellbeing.targets import target_for
from tests.factories import make_card
from tests.wellbeing.conftest import YEAR, put_answer, put_mood

TODAY = datetime.date.today()


def published(targets) -> list:
    out = []
    for t in targets:
        for year in years_open(TODAY):
            out.append([tab.as_rows() for tab in figures.dashboard(t, year).tables])
    return out


def test_one_new_answer_changes_no_published_table(cast, cards_a, geo):
    for i, card in enumerate(cards_a[:15]):
        put_answer(card, score=32 + 4 * i, key=i * 4099, often=i % 4)
        put_answer(card, time_point=1, score=36 + 4 * i, key=i * 17)
    for i in range(14):
        put_mood(cast.a.site, face=1 + i % 5, again="yes" if i % 2 else "no", key=i * 3001)
    targets = [target_for(SYSTEM, "national"), target_for(SYSTEM, "area", cast.a.area.pk),
               target_for(SYSTEM, "municipality", "049"),
               target_for(SYSTEM, "venue", cast.a.venue_org.pk),
               target_for(SYSTEM, "site", cast.a.site.pk)]
    before = published(targets)
    # one holder answers today, at issue and after a visit
    card = make_card(cast.a.unit, issued_on=TODAY)
    card.municipality = geo.municipalities["049"]
    card.save(update_fields=["municipality"])
    services.wellbeing_answer_record(
        scope=scope_for_user(cast.a.distributor), card=card, time_point=0,
        channel=Channel.SCREEN, items={"who1": 0, "who2": 0, "who3": 0, "who4": 0, "who5": 0})
    use = Use.objects.create(card=card, venue=cast.a.venue_org, site=cast.a.site,
                             area=cast.a.area, card_area=cast.a.area, category="culture",
                             event_date=TODAY)
    services.mood_answer_record(card_ids=[card.pk], use_id=use.pk, face=1, again="no")
    assert published(targets) == before


def _row(m):
    return (m.n_shown, m.mean, m.low, m.high)


def test_overlapping_tables_do_not_give_one_answer(cast, geo):
    """Area b = Kajaani (20 answers, shown) + Sotkamo (one answer x, hidden). The attacker
    reads the area's and Kajaani's published rows and wants x. For x = 0 and x = 100 (the
    two ends of the scale) the same published rows occur, and the guess
    "x = n*·mean(area) − n*·mean(Kajaani)" is right for a minority-beating share only."""
    kajaani = [36, 40, 44, 48, 52, 56, 60, 64, 68, 72, 40, 44, 48, 52, 56, 60, 64, 68, 72, 76]
    k_key = 12345
    shown_kajaani = _row(protected_mean(kajaani, k_key, spread=SCORE_SPREAD, low=0,
                                        high=100))
    outcomes: dict[int, set] = {0: set(), 100: set()}
    right = tries = 0
    for key in range(0, KEY_RANGE, 37):  # the one answer's record key: secret, random
        for x in (0, 100):
            area = protected_mean(kajaani + [x], k_key + key, spread=SCORE_SPREAD, low=0,
                                  high=100)
            outcomes[x].add(_row(area))
            guess = area.n_shown * area.mean - shown_kajaani[0] * shown_kajaani[1]
            right += (guess > 50) == (x == 100)
            tries += 1
    assert outcomes[0] & outcomes[100], "some published rows fit both answers"
    assert right / tries < 0.8

    # the dashboards publish exactly these rows (the same function, the same cells)
    for i, score in enumerate(kajaani):
        card = make_card(cast.b.unit)
        put_answer(card, score=score, key=k_key if i == 0 else 0,
                   municipality=geo.municipalities["205"])
    lone = make_card(cast.b.unit)
    put_answer(lone, score=100, key=777, municipality=geo.municipalities["765"])
    area = figures.dashboard(target_for(SYSTEM, "area", cast.b.area.pk), YEAR)
    muni = figures.dashboard(target_for(SYSTEM, "municipality", "205"), YEAR)
    sotkamo = figures.dashboard(target_for(SYSTEM, "municipality", "765"), YEAR)

    def at_issue(d):
        t = next(t for t in d.tables if t.key == "score")
        return tuple(c.shown for c in dict(t.rows)["At issue"])

    assert at_issue(muni) == shown_kajaani
    assert at_issue(area) == _row(protected_mean(kajaani + [100], k_key + 777,
                                                 spread=SCORE_SPREAD, low=0, high=100))
    assert at_issue(sotkamo) == ("<10",) * 4
