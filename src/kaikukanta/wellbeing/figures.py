"""The protected figures of the wellbeing and mood meters (pages, exports and the PDF).

**Protection.** Every figure goes through three rules, the same for every role (also the
national admin, because answers about wellbeing are more sensitive than counts of cards):

1. *Fixed periods.* Figures cover whole calendar years that have ended (`years_open`:
   shown from 61 days after the year, when paper registrations for it are in), grouped by
   the month an answer was *recorded* (set by the server), with the card's area and
   municipality as they were then. The answer rows are never changed or deleted (no
   service does; the card is protected), so a shown year never changes: an answer given
   today shows in no table before its year is shown, and then among all of that year's.
   (No snapshot table is needed: the rows themselves are the frozen publication. Only
   the share answering reads live card events for its denominator, a perturbed count of
   cards like the holder tables'.)
2. *A minimum of answers.* A figure from fewer than `MIN_ANSWERS` (10) answers is not
   shown ("<10"), nor any mean, share or interval computed from it.
3. *The cell key method* (`lib/cellkey.py`, the same as the holder tables): every answer
   has a random record key; a count is shifted by −2…+2, a sum by −1…+1 × the most one
   answer can move it (100 points of WHO-5, 4 faces) and a sum of squares likewise (× its
   square), all chosen by the sum of the keys of the answers in the cell. Means and
   intervals are computed from these perturbed sums only. Two overlapping tables that
   differ by one answer differ by that answer plus unrelated noise of the same size, so
   comparing them does not give the answer.

**Formulas.** WHO-5 score s = 4 × (sum of the five items), 0–100. For the n answers of a
cell with true sum S and sum of squares Q, the classical mean is m = S/n and its 95 %
confidence interval m ± t(0.975, n−1) × sd/√n with sd² = (Q − S²/n)/(n − 1) and t the
Student quantile (`t975`; about 1.96 for large n, the normal approximation;
`ci_half_width`). Published are the perturbed S*, Q*, n* only: the mean S*/n and a
*conservative* interval that also covers the protection's largest effect (see
`protected_mean`), so it is never narrower than the classical one. *Paired change*: for
the cards that answered both at issue and at their first renewal (the renewal answer
recorded in the year), dᵢ = sᵢ(renewal) − sᵢ(issue); the mean change and its interval are
the same formulas on the dᵢ (a paired t interval), so a change is measured on the same
people, not on a change of who answers. Means and interval ends are rounded to one
decimal, shares to whole percent.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kaikukanta.lib.cellkey import perturb, perturb_sum
from kaikukanta.stats.privacy import Cell
from kaikukanta.stats.tables import Table
from kaikukanta.wellbeing.questions import BANDS, PARTICIPATION, band_of
from kaikukanta.wellbeing.targets import Target

MIN_ANSWERS = 10
FIRST_YEAR = 2024
FEW = f"<{MIN_ANSWERS}"
SCORE_SPREAD = 100.0  # one WHO-5 answer moves a sum of scores (or of changes) by up to this
MOOD_SPREAD = 4.0  # one face (1–5) moves a sum of faces by up to this


@dataclass(frozen=True)
class Few(Cell):
    """A figure from fewer than MIN_ANSWERS answers: shown as "<10", never its value."""

    @property
    def shown(self):
        return FEW if self.state == "small" else super().shown


def few() -> Few:
    return Few(None, "small")


def ok(value, decimals: int | None = None) -> Cell:
    return Cell(value, decimals=decimals)


def years_open(today: datetime.date) -> list[int]:
    """The years whose figures are shown, newest first: whole years that ended at least
    the backfill window (`usage.services.BACKFILL_DAYS`) + 1 day ago, so that cards
    registered afterwards from paper for the year (the share answering) are in too."""
    from kaikukanta.usage.services import BACKFILL_DAYS

    last = today.year - 1
    if datetime.date(last, 12, 31) + datetime.timedelta(days=BACKFILL_DAYS + 1) > today:
        last -= 1
    return list(range(last, min(FIRST_YEAR, last) - 1, -1))


# --- statistics --------------------------------------------------------------------------

Z975 = 1.959963984540054


def t975(df: int) -> float:
    """The 0.975 quantile of Student's t with `df` degrees of freedom (Cornish–Fisher
    expansion around the normal quantile, Abramowitz & Stegun 26.7.5; within 0.002 of the
    tables for df ≥ 5, and 1.96 in the limit)."""
    if df < 1:
        raise ValueError(df)
    z, v = Z975, float(df)
    g1 = (z ** 3 + z) / 4
    g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96
    g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384
    g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160
    return z + g1 / v + g2 / v ** 2 + g3 / v ** 3 + g4 / v ** 4


def sample_sd(values: Sequence[float]) -> float:
    n = len(values)
    if n < 2:
        return 0.0
    m = sum(values) / n
    return math.sqrt(sum((x - m) ** 2 for x in values) / (n - 1))


def ci_half_width(values: Sequence[float]) -> float:
    """t(0.975, n−1) × sd / √n."""
    n = len(values)
    return t975(n - 1) * sample_sd(values) / math.sqrt(n) if n > 1 else 0.0


@dataclass(frozen=True)
class Mean:
    """A protected mean with its 95 % interval (None when hidden)."""

    n: int  # the true number of answers (never shown as such)
    n_shown: int | None
    mean: float | None
    low: float | None
    high: float | None

    @property
    def visible(self) -> bool:
        return self.mean is not None

    def cells(self) -> list[Cell]:
        if not self.visible:
            return [few(), few(), few(), few()]
        return [ok(self.n_shown), ok(self.mean, 1), ok(self.low, 1), ok(self.high, 1)]


def protected_mean(values: Sequence[float], key_sum: int, *, spread: float,
                   low: float, high: float) -> Mean:
    """The published mean and interval of a cell, from its perturbed count n*, sum S* and
    sum of squares Q* only (no exact statistic of the cell is published). The sum is off
    by at most R = `spread` and the sum of squares by at most R², so the interval is
    made *conservative*: it uses the largest variance those bounds allow,
    sd² = (Q* + R² − max(0, |S*| − R)²/n) / (n − 1), and adds the largest shift of the
    mean, R/n ≤ R/(n* − 2): mean ± (t · sd/√n + R/(n* − 2)). It contains the true 95 %
    interval."""
    n = len(values)
    if n < MIN_ANSWERS:
        return Mean(n, None, None, None, None)
    n_shown = perturb(n, key_sum)
    total = perturb_sum(sum(values), key_sum, spread, salt=1)
    squares = perturb_sum(sum(v * v for v in values), key_sum, spread * spread, salt=2)
    mean = min(high, max(low, total / n))
    smallest_sum = max(0.0, abs(total) - spread)
    variance = max(0.0, (squares + spread * spread - smallest_sum ** 2 / n) / (n - 1))
    # the mean moves by at most R/n; n is at least n* − 2 (the count's perturbation)
    half = t975(n - 1) * math.sqrt(variance / n) + spread / max(n_shown - 2, 1)
    return Mean(n, n_shown, round(mean, 1), round(max(low, mean - half), 1),
                round(min(high, mean + half), 1))


def protected_count(n: int, key_sum: int) -> Cell:
    return few() if n < MIN_ANSWERS else ok(perturb(n, key_sum))


def share(part: Cell, whole: Cell) -> Cell:
    """A share in whole percent of two published counts."""
    if not (part.visible and whole.visible) or not whole.value:
        return few()
    return ok(min(100, round(100 * part.value / whole.value)))


# --- the wellbeing meter ------------------------------------------------------------------

@dataclass
class Answers:
    """The answers of one dashboard and year, as plain values (never leaves this module
    except as protected cells)."""

    issue: list[tuple] = field(default_factory=list)  # (card, score, key, often, cost, belong)
    renewal: list[tuple] = field(default_factory=list)  # (card, tp, score, key, ...)
    issued: list[int] = field(default_factory=list)  # stats keys of the cards issued
    renewed: list[int] = field(default_factory=list)  # stats keys of the cards renewed
    pairs: list[tuple] = field(default_factory=list)  # (issue score, renewal score, key sum)


def load_answers(target: Target, year: int) -> Answers:
    from kaikukanta.cards.models import CardEvent, CardEventKind, CardKind
    from kaikukanta.wellbeing.models import WellbeingAnswer

    fields = ("card_id", "time_point", "score", "record_key", "often", "cost", "belong")
    rows = list(WellbeingAnswer.objects.filter(target.answer_q(), month__year=year)
                .values_list(*fields))
    a = Answers()
    for card, tp, score, key, often, cost, belong in rows:
        if tp == 0:
            a.issue.append((card, score, key, often, cost, belong))
        else:
            a.renewal.append((card, tp, score, key, often, cost, belong))
    first = {card: (score, key) for card, tp, score, key, *_r in a.renewal if tp == 1}
    issue_of = dict(WellbeingAnswer.objects.filter(card_id__in=list(first), time_point=0)
                    .values_list("card_id", "score").order_by())
    keys_of = dict(WellbeingAnswer.objects.filter(card_id__in=list(first), time_point=0)
                   .values_list("card_id", "record_key").order_by())
    for card, (score, key) in sorted(first.items()):
        if card in issue_of:
            a.pairs.append((issue_of[card], score, key + keys_of[card]))
    events = CardEvent.objects.filter(target.card_event_q(), on__year=year,
                                      card__kind=CardKind.PERSONAL)
    a.issued = list(events.filter(kind=CardEventKind.REGISTERED)
                    .values_list("card__stats_key", flat=True))
    a.renewed = list(events.filter(kind=CardEventKind.RENEWED)
                     .values_list("card__stats_key", flat=True))
    return a


def answering_table(a: Answers) -> Table:
    rows = []
    for label, cards, answers in (
        (_("At issue"), a.issued, [r[2] for r in a.issue]),
        (_("At renewal"), a.renewed, [r[3] for r in a.renewal]),
    ):
        whole = ok(perturb(len(cards), sum(cards))) if len(cards) >= MIN_ANSWERS else few()
        part = protected_count(len(answers), sum(answers))
        rows.append((str(label), [whole, part, share(part, whole)]))
    return Table(key="answering", title=_("Share answering the wellbeing meter"),
                 columns=[_("Time point"), _("Cards issued or renewed"), _("Answers"),
                          _("Share answering (%)")], rows=rows,
                 note=_("Answering is voluntary. Renewals count every renewal in the year."))


def score_means(a: Answers) -> list[tuple[str, Mean]]:
    out = []
    for label, answers in ((_("At issue"), [(r[1], r[2]) for r in a.issue]),
                           (_("At renewal"), [(r[2], r[3]) for r in a.renewal])):
        out.append((str(label), protected_mean([s for s, _k in answers],
                                               sum(k for _s, k in answers),
                                               spread=SCORE_SPREAD, low=0, high=100)))
    return out


def score_table(a: Answers) -> Table:
    return Table(key="score", title=_("WHO-5 wellbeing score (0–100)"),
                 columns=[_("Time point"), _("Answers"), _("Mean"), _("95% interval from"),
                          _("95% interval to")],
                 rows=[(label, m.cells()) for label, m in score_means(a)],
                 note=_("A score of 50 or less is read as low wellbeing, 28 or less as very "
                        "low."))


def bands_table(a: Answers) -> Table:
    keys: dict[int, list[int]] = defaultdict(list)
    for _card, score, key, *_r in a.issue:
        keys[band_of(score)].append(key)
    total = protected_count(len(a.issue), sum(r[2] for r in a.issue))
    rows = []
    for i, (_low, _high, label) in enumerate(BANDS):
        if not total.visible:
            rows.append((str(label), [few(), few()]))
            continue
        count = ok(perturb(len(keys[i]), sum(keys[i])))
        rows.append((str(label), [count, share(count, total)]))
    return Table(key="bands", title=_("WHO-5 score at issue: distribution"),
                 columns=[_("Score"), _("Answers"), _("Share (%)")], rows=rows,
                 total=[total, ok(100) if total.visible else few()], chart=True,
                 note=_("Counts are perturbed (cell key method), so they need not add up."))


def paired(a: Answers) -> tuple[Mean, Mean, Mean]:
    key_sum = sum(k for _i, _r, k in a.pairs)
    issue = protected_mean([i for i, _r, _k in a.pairs], key_sum, spread=SCORE_SPREAD,
                           low=0, high=100)
    renewal = protected_mean([r for _i, r, _k in a.pairs], key_sum + 1, spread=SCORE_SPREAD,
                             low=0, high=100)
    change = protected_mean([r - i for i, r, _k in a.pairs], key_sum + 2,
                            spread=SCORE_SPREAD, low=-100, high=100)
    return issue, renewal, change


def paired_table(a: Answers) -> Table:
    issue, renewal, change = paired(a)
    rows = [(str(_("At issue")), issue.cells()), (str(_("At first renewal")), renewal.cells()),
            (str(_("Change")), change.cells())]
    return Table(key="paired", title=_("Change between issue and first renewal (same cards)"),
                 columns=[_("WHO-5 score"), _("Cards"), _("Mean"), _("95% interval from"),
                          _("95% interval to")], rows=rows,
                 note=_("Only cards that answered both at issue and at their first renewal "
                        "(renewal answered in this year). The interval of the change is a "
                        "paired t interval: if it does not include 0, the change is unlikely "
                        "to be chance. A change of 10 points is taken as meaningful."))


def participation_tables(a: Answers) -> list[Table]:
    out = []
    for qi, (key, question, choices) in enumerate(PARTICIPATION):
        cols = []
        for answers, offset in ((a.issue, 3), (a.renewal, 4)):
            given = [(r[offset + qi], r[offset - 1]) for r in answers
                     if r[offset + qi] is not None]
            whole = protected_count(len(given), sum(k for _v, k in given))
            col = []
            for value, _label in choices:
                keys = [k for v, k in given if v == value]
                part = ok(perturb(len(keys), sum(keys))) if whole.visible else few()
                col.append(share(part, whole))
            cols.append((whole, col))
        rows = [(str(label), [cols[0][1][i], cols[1][1][i]])
                for i, (_v, label) in enumerate(choices)]
        out.append(Table(key=f"participation-{key}", title=str(question),
                         columns=[_("Answer"), _("At issue (%)"), _("At renewal (%)")],
                         rows=rows, total=[cols[0][0], cols[1][0]],
                         note=_("The total row gives the number of answers.")))
    return out


# --- the mood meter -------------------------------------------------------------------------

def load_moods(target: Target, year: int) -> list[tuple]:
    from kaikukanta.wellbeing.models import MoodAnswer

    return list(MoodAnswer.objects.filter(target.mood_q(), month__year=year)
                .values_list("category", "venue_id", "offer_id", "face", "again", "record_key")
                .order_by())


def mood_cells(rows: Sequence[tuple]) -> list[Cell]:
    faces = [r[3] for r in rows]
    key_sum = sum(r[5] for r in rows)
    m = protected_mean(faces, key_sum, spread=MOOD_SPREAD, low=1, high=5)
    if not m.visible:
        return [few(), few(), few()]
    said = [r for r in rows if r[4]]
    whole = protected_count(len(said), sum(r[5] for r in said))
    yes = [r[5] for r in said if r[4] == "yes"]
    again = share(ok(perturb(len(yes), sum(yes))), whole) if whole.visible else few()
    return [ok(m.n_shown), ok(m.mean, 1), again]


MOOD_COLUMNS = ("Answers", "Mean (1–5)", "Would go again: yes (%)")


def _mood_table(key: str, title: str, label_col: str, groups: dict, labels: dict,
                rows_all: Sequence[tuple]) -> Table:
    rows = [(str(labels.get(g, g)), mood_cells(groups[g]))
            for g in sorted(groups, key=lambda g: str(labels.get(g, g)))]
    return Table(key=key, title=title,
                 columns=[label_col, _("Answers"), _("Mean (1–5)"),
                          _("Would go again: yes (%)")],
                 rows=rows, total=mood_cells(rows_all), chart=key == "mood-category",
                 note=_("How was it? 5 = very good … 1 = very bad."))


def mood_tables(target: Target, year: int) -> list[Table]:
    from kaikukanta.lib.targets import TargetKind
    from kaikukanta.network.models import Organisation
    from kaikukanta.usage.models import Category, Offer

    rows = load_moods(target, year)
    by_cat: dict = defaultdict(list)
    by_venue: dict = defaultdict(list)
    by_offer: dict = defaultdict(list)
    for r in rows:
        by_cat[r[0]].append(r)
        by_venue[r[1]].append(r)
        by_offer[r[2]].append(r)
    out = [_mood_table("mood-category", _("Mood meter by category"), _("Category"), by_cat,
                       dict(Category.choices), rows)]
    if target.kind in (TargetKind.VENUE, TargetKind.SITE):
        names = {o.pk: o.title for o in Offer.objects.filter(pk__in=[k for k in by_offer if k])}
        names[None] = _("Without an offer")
        out.append(_mood_table("mood-offer", _("Mood meter by offer"), _("Offer"), by_offer,
                               names, rows))
    else:
        names = dict(Organisation.objects.filter(pk__in=list(by_venue))
                     .values_list("pk", "name"))
        out.append(_mood_table("mood-venue", _("Mood meter by venue"), _("Venue"), by_venue,
                               names, rows))
    return out


# --- a whole dashboard ----------------------------------------------------------------------

@dataclass
class Dashboard:
    target: Target
    year: int
    tables: list[Table]
    paired: tuple[Mean, Mean, Mean] | None = None
    scores: list[tuple[str, Mean]] = field(default_factory=list)  # the score table's rows


def dashboard(target: Target, year: int) -> Dashboard:
    tables: list[Table] = []
    pair = None
    scores: list[tuple[str, Mean]] = []
    if target.has_meter:
        a = load_answers(target, year)
        tables += [answering_table(a), score_table(a), bands_table(a), paired_table(a)]
        tables += participation_tables(a)
        pair = paired(a)
        scores = score_means(a)
    tables += mood_tables(target, year)
    return Dashboard(target=target, year=year, tables=tables, paired=pair, scores=scores)


REPORT_KEYS = ("answering", "score", "bands", "paired", "mood-category")


def rule_text() -> str:
    return _("Wellbeing indicators: whole ended years only; a figure from fewer than "
             "%(n)s answers is shown as \"%(few)s\"; counts and sums are perturbed (cell key "
             "method), so tables need not add up. No answer is shown per card or per "
             "visit.") % {"n": MIN_ANSWERS, "few": FEW}


def report_tables(target: Target, year: int, *, ended: bool) -> list[Table]:
    """The wellbeing section of the yearly PDF report: the main tables of the year, or,
    for a year not yet ended, one line saying when they are published."""
    if not ended:
        return [Table(key="wellbeing", title=_("Wellbeing indicators"),
                      columns=[_("Wellbeing indicators")], rows=[],
                      note=_("The wellbeing and mood figures of a year are published when "
                             "the year has ended."))]
    tables = [t for t in dashboard(target, year).tables if t.key in REPORT_KEYS]
    if tables:
        tables[-1].note = f"{tables[-1].note} {rule_text()}".strip()
    return tables
