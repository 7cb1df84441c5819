"""The questions of the wellbeing meter and the mood meter, and how they are scored.

**Wellbeing meter: the WHO-5 Wellbeing Index** (WHO Regional Office for Europe, 1998;
Psychiatric Research Unit, Mental Health Centre North Zealand). Five statements about the
last two weeks, each answered on a six-step scale from 0 ("at no time") to 5 ("all of the
time"). The raw score is the sum (0–25); the *WHO-5 score* is the raw score × 4 (0–100).
A score of 50 or less is read as low wellbeing and 28 or less as very low (Topp et al.,
"The WHO-5 Well-Being Index: A Systematic Review of the Literature", Psychother Psychosom
2015;84:167–176). A change of 10 points is taken as a meaningful change.

*Licence and wording.* The WHO-5 is free to use without asking permission; the Psychiatric
Research Unit keeps every language version at
https://www.psykiatri-regionh.dk/who-5/who-5-questionnaires/ and asks that any wording
that deviates from those versions be marked as such, with an English back-translation.
We could not read the official Finnish and Swedish versions here, so the Finnish and
Swedish texts in this app's catalogs are **our own translations** of the English
original below, marked as such in the README (the English text is the back-translation).
Before production use, replace them with the official versions (free, same terms).

**Cultural participation**: three questions of our own, with fixed choices (no free text).
**Mood meter** ("How was it?"): five faces, 1 (very bad) … 5 (very good), and an optional
"Would you go again?" (yes / maybe / no).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

WHO5_ITEMS = (
    ("who1", _("I have felt cheerful and in good spirits")),
    ("who2", _("I have felt calm and relaxed")),
    ("who3", _("I have felt active and vigorous")),
    ("who4", _("I woke up feeling fresh and rested")),
    ("who5", _("My daily life has been filled with things that interest me")),
)
WHO5_SCALE = (
    (5, _("All of the time")),
    (4, _("Most of the time")),
    (3, _("More than half of the time")),
    (2, _("Less than half of the time")),
    (1, _("Some of the time")),
    (0, _("At no time")),
)
WHO5_INTRO = _("Please choose, for each of the five statements, the answer that is closest "
               "to how you have been feeling over the last two weeks.")
WHO5_MIN, WHO5_MAX = 0, 5

# Cultural participation: key, question, choices (value, label); values are ordered.
PARTICIPATION = (
    ("often", _("During the last three months, how often have you taken part in culture, "
                "art, sports or learning outside your home?"), (
        (0, _("Not at all")), (1, _("Once")), (2, _("Two or three times")),
        (3, _("Monthly or more often")))),
    ("cost", _("The cost has kept me from taking part in things I would have liked to do."), (
        (1, _("Not at all true")), (2, _("Somewhat true")), (3, _("Quite true")),
        (4, _("Completely true")))),
    ("belong", _("I feel that I belong to a community (for example friends, a club, a "
                 "neighbourhood)."), (
        (1, _("Not at all")), (2, _("A little")), (3, _("Quite a lot")), (4, _("Very much")))),
)

# WHO-5 score bands (percentage score 0–100)
BANDS = (
    (0, 28, _("0–28: very low")),
    (32, 48, _("32–48: low")),
    (52, 72, _("52–72: good")),
    (76, 100, _("76–100: very good")),
)

MOOD_FACES = (
    (5, _("Very good")),
    (4, _("Good")),
    (3, _("Neither good nor bad")),
    (2, _("Bad")),
    (1, _("Very bad")),
)
MOOD_AGAIN = (
    ("yes", _("Yes")),
    ("maybe", _("Maybe")),
    ("no", _("No")),
)


def who5_score(items: dict[str, int] | list[int]) -> int:
    """The WHO-5 score 0–100 (raw sum × 4)."""
    values = list(items.values()) if isinstance(items, dict) else list(items)
    return 4 * sum(int(v) for v in values)


def band_of(score: int) -> int:
    """The index of the score's band in `BANDS`."""
    for i, (low, high, _label) in enumerate(BANDS):
        if low <= score <= high:
            return i
    raise ValueError(score)


def participation_choices(key: str) -> tuple:
    for k, _q, choices in PARTICIPATION:
        if k == key:
            return choices
    raise KeyError(key)
