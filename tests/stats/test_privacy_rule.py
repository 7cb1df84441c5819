"""The suppression rule: no cell under 5 holders shown, none recoverable from a total."""

import random

from kaikukanta.stats.privacy import HIDDEN, SMALL, protect, protect_one


def test_primary_and_secondary():
    cells, tot = protect([3, 40, 12, 0])
    assert [c.shown for c in cells] == [SMALL, 40, HIDDEN, 0]
    assert tot.shown == 55


def test_hidden_group_stands_for_five_holders():
    # 1 and 2 are both small; together 3 holders, so the next smallest is hidden too
    cells, _ = protect([1, 2, 7, 50])
    assert [c.shown for c in cells] == [SMALL, SMALL, HIDDEN, 50]


def test_small_total_hides_everything():
    cells, tot = protect([2, 1, 0])
    assert tot.shown == SMALL
    assert [c.shown for c in cells] == [SMALL, SMALL, 0]


def test_uses_follow_their_holders():
    # 30 uses by 2 holders is hidden; 6 uses by 6 holders is not small but is hidden second
    cells, tot = protect([30, 6, 100], holders=[2, 6, 60], total_holders=68)
    assert [c.shown for c in cells] == [SMALL, HIDDEN, 100]
    assert tot.shown == 136


def test_exact_for_national_admin():
    cells, tot = protect([1, 2], exact=True)
    assert [c.shown for c in cells] == [1, 2] and tot.shown == 3
    assert protect_one(3).shown == SMALL and protect_one(3, exact=True).shown == 3
    assert protect_one(0).shown == 0


def test_no_small_cell_recoverable_random():
    rng = random.Random(6)
    for _ in range(3000):
        n = rng.randint(1, 8)
        holders = [rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 20]) for _ in range(n)]
        values = [h * rng.randint(1, 3) for h in holders]
        cells, tot = protect(values, holders)
        hidden = [i for i, c in enumerate(cells) if not c.visible]
        for i, c in enumerate(cells):
            if 0 < holders[i] < 5:
                assert not c.visible, (values, holders)
        if tot.visible and hidden:
            # the total minus the visible cells is the sum of at least two hidden cells
            # standing for at least five holders together
            assert len(hidden) >= 2, (values, holders)
            assert sum(holders[i] for i in hidden) >= 5, (values, holders)
            assert tot.value - sum(c.value for c in cells if c.visible) == sum(
                values[i] for i in hidden)
