"""The figures against small datasets worked out by hand, including the paired change and
its 95 % interval. Record keys are chosen so that the perturbation is zero (to check the
formulas) or a known step (to check the noise)."""

from __future__ import annotations

import math

import pytest

from kaikukanta.lib import cellkey
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.lib.targets import TargetKind
from kaikukanta.wellbeing import figures
from kaikukanta.wellbeing.targets import target_for
from tests.wellbeing.conftest import YEAR, put_answer, put_mood, register_event, zero_noise_key


def rows(table) -> dict:
    return {label: [c.shown for c in cells] for label, cells in table.rows}


def table(d, key):
    return next(t for t in d.tables if t.key == key)


@pytest.mark.parametrize("df, expected", [(4, 2.776), (5, 2.571), (9, 2.262), (19, 2.093),
                                          (29, 2.045), (99, 1.984), (100000, 1.960)])
def test_t_quantile_matches_the_tables(df, expected):
    assert figures.t975(df) == pytest.approx(expected, abs=0.002)


# Ten cards: WHO-5 at issue and at first renewal. Changes d = 4, 8, 12, −4, 0, 16, 8, 4, 12,
# 20: mean 8.0; deviations −4, 0, 4, −12, −8, 8, 0, −4, 4, 12, squares add up to 480;
# sd² = 480 / 9 = 53.33, sd = 7.303; se = 7.303 / √10 = 2.309; t(0.975, 9) = 2.262;
# classical half width 5.224: the t interval is 2.8 … 13.2.
# Published (protection R = 100): S = 80, Q = Σd² = 1120; the largest variance the noise
# allows is (1120 + 100² − max(0, 80 − 100)²/10) / 9 = 11120 / 9 = 1235.6, sd 35.15,
# t · sd/√10 = 25.14, plus R/(n* − 2) = 100/8 = 12.5: half width 37.64, so −29.6 … 45.6.
ISSUE = [40, 44, 48, 52, 56, 60, 64, 68, 72, 76]
CHANGE = [4, 8, 12, -4, 0, 16, 8, 4, 12, 20]


def paired_data(cards, key_sum: int):
    for i, (card, s0, d) in enumerate(zip(cards, ISSUE, CHANGE, strict=False)):
        put_answer(card, time_point=0, score=s0, key=key_sum if i == 0 else 0, year=YEAR - 1)
        put_answer(card, time_point=1, score=s0 + d, key=0)


def test_paired_change_and_interval_by_hand(cast, cards_a):
    # the change is the cell "pair keys + 2": choose the keys so that it has no noise
    paired_data(cards_a, zero_noise_key(shift=2))
    d = figures.dashboard(target_for(SYSTEM, "area", cast.a.area.pk), YEAR)
    assert rows(table(d, "paired"))["Change"] == [10, 8.0, -29.6, 45.6]
    _issue, _renewal, change = d.paired
    assert (change.mean, change.low, change.high) == (8.0, -29.6, 45.6)
    # the classical paired t interval, by the formula written out
    half = figures.ci_half_width(CHANGE)
    assert half == pytest.approx(figures.t975(9) * math.sqrt(480 / 9) / math.sqrt(10))
    assert (round(8 - half, 1), round(8 + half, 1)) == (2.8, 13.2)
    # the published interval contains it
    assert change.low <= 2.8 and change.high >= 13.2


def test_paired_change_noise_is_one_answer_at_most(cast, cards_a):
    """With the sum's noise at +1 × 100 points and the other two at 0, the mean change moves
    by exactly 100 / 10 = 10 points. Interval: S* = 180, Q* = 1120; (1120 + 10000 −
    (180 − 100)²/10) / 9 = 10480 / 9 = 1164.4, sd 34.12, × 2.262 / √10 = 24.41, + 12.5:
    −18.9 … 54.9, which still contains the true change 8 and its t interval."""
    key = next(k for k in range(cellkey.KEY_RANGE)
               if cellkey.magnitude_noise(k + 2, 1) == 1.0
               and cellkey.magnitude_noise(k + 2, 2) == 0 and cellkey.perturb(20, k + 2) == 20)
    paired_data(cards_a, key)
    change = figures.dashboard(target_for(SYSTEM, "area", cast.a.area.pk), YEAR).paired[2]
    assert change.mean == 18.0
    assert (change.low, change.high) == (-18.9, 54.9)


def test_published_interval_is_never_narrower_than_the_true_one():
    """Over many record keys and spreads of data, the conservative interval contains the
    classical t interval of the true answers."""
    import random

    rng = random.Random(7)
    for _ in range(300):
        n = rng.randint(10, 120)
        values = [4 * rng.randint(0, 25) for _ in range(n)]
        m = figures.protected_mean(values, rng.randrange(cellkey.KEY_RANGE),
                                   spread=figures.SCORE_SPREAD, low=0, high=100)
        true_mean = sum(values) / n
        half = figures.ci_half_width(values)
        assert m.low <= round(max(0, true_mean - half), 1) + 0.1
        assert m.high >= round(min(100, true_mean + half), 1) - 0.1


def test_pairs_need_the_issue_answer_and_ten_cards(cast, cards_a):
    paired_data(cards_a[:9], zero_noise_key(shift=2))
    put_answer(cards_a[9], time_point=1, score=52)  # a renewal without an issue answer
    d = figures.dashboard(target_for(SYSTEM, "area", cast.a.area.pk), YEAR)
    assert rows(table(d, "paired"))["Change"] == ["<10"] * 4
    assert not d.paired[2].visible


def test_score_and_bands_at_issue_by_hand(cast, cards_a):
    """Twelve answers at issue in three bands: scores 20, 24 (very low), 60 × 5 (good),
    80 × 5 (very good). Keys: 32000 on one answer of each band (each band's key sum is
    32000, zero noise) and 0 on the rest; the total's key sum 96000 has no noise either."""
    scores = [20, 24] + [60] * 5 + [80] * 5
    keyed = {0, 2, 7}
    for i, (card, s) in enumerate(zip(cards_a, scores, strict=False)):
        put_answer(card, score=s, key=32000 if i in keyed else 0)
    assert cellkey.perturb(12, 96000) == 12 and cellkey.perturb(2, 32000) == 2
    d = figures.dashboard(target_for(SYSTEM, "area", cast.a.area.pk), YEAR)
    bands = table(d, "bands")
    assert rows(bands) == {"0–28: very low": [2, 17], "32–48: low": [0, 0],
                           "52–72: good": [5, 42], "76–100: very good": [5, 42]}
    assert [c.shown for c in bands.total] == [12, 100]
    # mean (20 + 24 + 300 + 400) / 12 = 62.0 (key sum 96000: no noise in the sums?)
    score = rows(table(d, "score"))["At issue"]
    expected_sum = 744 + 100 * cellkey.magnitude_noise(96000, 1)
    assert score[0] == 12 and score[1] == round(expected_sum / 12, 1)


def test_fewer_than_ten_answers_show_nothing(cast, cards_a):
    for card in cards_a[:9]:
        put_answer(card, score=60, often=3)
    d = figures.dashboard(target_for(SYSTEM, "area", cast.a.area.pk), YEAR)
    assert rows(table(d, "score"))["At issue"] == ["<10"] * 4
    assert all(v == ["<10", "<10"] for v in rows(table(d, "bands")).values())
    assert all(v[0] == "<10" for v in rows(table(d, "participation-often")).values())


def test_share_answering(cast, cards_a):
    """Twenty cards registered in the year (stats keys summing to a zero-noise key), ten
    answers at issue (keys likewise): 10 / 20 = 50 %."""
    k = zero_noise_key(count=True)
    for i, card in enumerate(cards_a):
        card.stats_key = k if i == 0 else 0
        card.save(update_fields=["stats_key"])
        register_event(card)
    for i, card in enumerate(cards_a[:10]):
        put_answer(card, score=60, key=k if i == 0 else 0)
    d = figures.dashboard(target_for(SYSTEM, "area", cast.a.area.pk), YEAR)
    assert rows(table(d, "answering"))["At issue"] == [20, 10, 50]


def test_answers_count_where_and_when_they_were_recorded(cast, cards_a, geo):
    """An answer stays in the area, municipality and year it was recorded in, even if the
    card moves later; a year's figures do not change."""
    for card in cards_a[:10]:
        put_answer(card, score=60, key=0)
    nat = figures.dashboard(target_for(SYSTEM, "national"), YEAR)
    muni = figures.dashboard(target_for(SYSTEM, "municipality", "049"), YEAR)
    other = figures.dashboard(target_for(SYSTEM, "area", cast.b.area.pk), YEAR)
    assert rows(table(nat, "score"))["At issue"][0] != "<10"
    assert rows(table(muni, "score"))["At issue"][0] != "<10"
    assert rows(table(other, "score"))["At issue"] == ["<10"] * 4
    last_year = figures.dashboard(target_for(SYSTEM, "area", cast.a.area.pk), YEAR - 1)
    assert rows(table(last_year, "score"))["At issue"] == ["<10"] * 4


def test_mood_by_category_and_venue_by_hand(cast):
    """Twelve answers at site a: faces 5,5,5,4,4,4,4,3,2,5,4,4 (sum 49, mean 4.08 → 4.1);
    "would go again": 8 yes, 2 no, 2 not said → 8 / 10 = 80 %. Keys chosen for no noise:
    the first answer (a "yes") carries key k, the rest 0, so every cell's key sum is k."""
    faces = [5, 5, 5, 4, 4, 4, 4, 3, 2, 5, 4, 4]
    again = ["yes"] * 8 + ["no"] * 2 + ["", ""]
    k = zero_noise_key()
    for i, (f, a) in enumerate(zip(faces, again, strict=True)):
        put_mood(cast.a.site, face=f, again=a, key=k if i == 0 else 0)
    for target in (target_for(SYSTEM, "venue", cast.a.venue_org.pk),
                   target_for(SYSTEM, "area", cast.a.area.pk)):
        d = figures.dashboard(target, YEAR)
        cat = table(d, "mood-category")
        assert rows(cat)["Culture"] == [12, 4.1, 80]
    d = figures.dashboard(target_for(SYSTEM, "area", cast.a.area.pk), YEAR)
    assert rows(table(d, "mood-venue")) == {cast.a.venue_org.name: [12, 4.1, 80]}
    # the other area's venue sees none of it
    other = figures.dashboard(target_for(SYSTEM, "venue", cast.b.venue_org.pk), YEAR)
    assert rows(table(other, "mood-category")) == {}


def test_mood_under_ten_hidden(cast):
    for f in (5, 4, 3):
        put_mood(cast.a.site, face=f)
    d = figures.dashboard(target_for(SYSTEM, "site", cast.a.site.pk), YEAR)
    assert rows(table(d, "mood-category"))["Culture"] == ["<10", "<10", "<10"]
    assert [c.shown for c in table(d, "mood-category").total] == ["<10", "<10", "<10"]


def test_kinds():
    assert TargetKind.COUNTY == "county"
