"""The feedback meeting pack: one page, figures read back from the PDF, hostile names
shown as written, only the coordinators of the area."""

from __future__ import annotations

import datetime

import pypdfium2 as pdfium
import pytest
from django.utils import timezone

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.lib.errors import NotAllowed
from kaikukanta.lib.formatting import cell
from kaikukanta.lib.targets import TargetKind
from kaikukanta.public.models import Feedback
from kaikukanta.stats.scopes import Period, Target
from kaikukanta.stats.selectors import summary_table
from kaikukanta.surveys import pack, services
from kaikukanta.surveys.errors import PackYearInvalid
from tests.conftest import sign_in
from tests.factories import make_card
from tests.stats.conftest import make_use
from tests.surveys.conftest import answer, make_survey

HOSTILE = '<b>Bold</b> & <a href="http://evil.example/">x</a>'


def _read(pdf: bytes) -> tuple[str, int]:
    doc = pdfium.PdfDocument(pdf)
    text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    return " ".join(text.split()), len(doc)


@pytest.fixture
def year_of_a(cast):
    """Area a this year: 3 cards registered, 2 uses, one closed survey with 3 answers,
    two public feedback items (one handled)."""
    year = timezone.localdate().year
    day = datetime.date(year, 1, 1)
    cards = [make_card(cast.a.unit, issued_on=day) for _ in range(3)]
    make_use(cards[0], cast.a.site, day)
    make_use(cards[1], cast.a.site, day)
    survey = make_survey(cast, title=HOSTILE)
    answer(survey, cast.a.distributor, scale=5, choice=1, text="More posters")
    answer(survey, cast.a.venue, scale=4, choice=1)
    answer(survey, cast.a.site_staff, scale=2, choice=0)
    services.survey_close(scope=scope_for_user(cast.a.culture), survey=survey)
    Feedback.objects.create(area=cast.a.area, message="The museum staff were kind.",
                            reply_email="someone@example.test")
    Feedback.objects.create(area=cast.a.area, message="Opening hours?",
                            handled_at=timezone.now())
    Feedback.objects.create(area=cast.b.area, message="Kainuu feedback")
    return year


def test_pack_for_the_national_admin_reads_back(cast, year_of_a):
    data = pack.pack_data(scope=scope_for_user(cast.national), area=cast.a.area,
                          year=year_of_a)
    text, pages = _read(pack.pack_pdf(data))
    assert pages == 1
    assert f"Feedback meeting {year_of_a}: Espoo" in text
    figures = {label: this for label, this, _before in data.figures}
    assert figures["Cards registered in the period"] == "3"  # exact for the national admin
    assert figures["Uses (holders' tickets)"] == "2"
    assert "Cards registered in the period 3" in text
    assert dict(data.network)["Venue sites"] == 2
    assert "Venue sites 2" in text
    assert HOSTILE in text  # escaped: shown as written, no markup
    assert "mean 3.67 (answers 3" in text  # (5 + 4 + 2) / 3
    assert "Video 1, Workshop 2, Paper 0" in text
    assert "More posters" in text
    assert f"public feedback form in {year_of_a}: 2, of which handled 1" in text
    assert "kind" not in text and "someone@example.test" not in text  # messages left out
    assert "Kainuu feedback" not in text


def test_messages_only_when_asked_and_never_the_reply_address(cast, year_of_a):
    data = pack.pack_data(scope=scope_for_user(cast.a.welfare), area=cast.a.area,
                          year=year_of_a, with_messages=True)
    text, pages = _read(pack.pack_pdf(data))
    assert pages == 1
    assert "The museum staff were kind." in text and "Opening hours?" in text
    assert "someone@example.test" not in text and "Kainuu feedback" not in text


def test_holder_counts_are_protected_for_coordinators(cast, year_of_a):
    data = pack.pack_data(scope=scope_for_user(cast.a.culture), area=cast.a.area,
                          year=year_of_a)
    # the same cells as the area's dashboard shows its coordinators (perturbed, "<5")
    dashboard = summary_table(Target(TargetKind.AREA, cast.a.area), Period.year(year_of_a),
                              Period.year(year_of_a - 1), exact=False)
    assert data.figures == [(label, cell(c[0]), cell(c[1])) for label, c in dashboard.rows]
    figures = {label: this for label, this, _before in data.figures}
    assert figures["Cards registered in the period"] in ("<5", "5")  # 3, shifted by 0…+2
    text, _pages = _read(pack.pack_pdf(data))
    assert "perturbed" in text


def test_a_long_pack_still_fits_on_one_page(cast, year_of_a):
    scope = scope_for_user(cast.a.welfare)
    for i in range(4):
        s = make_survey(cast, title=f"Survey {i} " + "long title " * 8)
        for user in (cast.a.distributor, cast.a.venue, cast.a.site_staff):
            answer(s, user, scale=3, choice=2, text="A rather long answer " * 10)
        services.survey_close(scope=scope, survey=s)
    for _i in range(8):
        Feedback.objects.create(area=cast.a.area, message="Long message " * 40)
    data = pack.pack_data(scope=scope, area=cast.a.area, year=year_of_a, with_messages=True)
    text, pages = _read(pack.pack_pdf(data))
    assert pages == 1 and "Survey 3" in text


@pytest.mark.parametrize("who", ["b.culture", "b.welfare", "a.distributor", "a.venue"])
def test_only_the_areas_coordinators(cast, who):
    user = cast
    for part in who.split("."):
        user = getattr(user, part)
    with pytest.raises(NotAllowed):
        pack.pack_data(scope=scope_for_user(user), area=cast.a.area, year=2025)


def test_year_is_checked(cast):
    for year in (1999, timezone.localdate().year + 1):
        with pytest.raises(PackYearInvalid):
            pack.pack_data(scope=scope_for_user(cast.a.culture), area=cast.a.area, year=year)


def test_pack_page(cast, client, year_of_a):
    sign_in(client, cast.a.culture)
    r = client.get("/surveys/pack/", {"area": cast.a.area.pk, "year": year_of_a})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert "attachment" in r["Content-Disposition"]
    # another area's coordinator cannot choose area a; a wrong year is a form error
    sign_in(client, cast.b.culture)
    r = client.get("/surveys/pack/", {"area": cast.a.area.pk, "year": year_of_a})
    assert r["Content-Type"].startswith("text/html") and "Select a valid choice" in \
        r.content.decode()
    r = client.get("/surveys/pack/", {"area": cast.b.area.pk, "year": year_of_a + 1})
    assert r["Content-Type"].startswith("text/html") and 'role="alert"' in r.content.decode()
    sign_in(client, cast.a.distributor)
    assert client.get("/surveys/pack/", {"area": cast.a.area.pk,
                                         "year": year_of_a}).status_code == 403
