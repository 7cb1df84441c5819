"""The questionnaire pages (staff hand-over and paper, OmaKaiku), the mood meter, the
dashboards by role, and that no page, export or API answer shows an answer of a card."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from kaikukanta.usage.models import Use
from kaikukanta.wellbeing.models import MoodAnswer, MoodReceipt, WellbeingAnswer
from tests.factories import make_card
from tests.wellbeing.conftest import YEAR, put_answer, put_mood

TODAY = datetime.date.today()
ANSWER = {"time_point": "0", "channel": "screen", "who1": "5", "who2": "4", "who3": "3",
          "who4": "2", "who5": "1", "often": "3", "cost": "1", "belong": "4"}


@pytest.fixture
def fresh_card(cast):
    return make_card(cast.a.unit, issued_on=TODAY - datetime.timedelta(days=1))


# --- staff: hand-over and paper -----------------------------------------------------------

def test_distributor_hands_the_screen_over_after_registration(login, client, cast,
                                                             fresh_card):
    login(cast.a.distributor)
    page = client.get(reverse("cards:card_detail", args=[fresh_card.number])).content.decode()
    url = reverse("wellbeing:card_meter", args=[fresh_card.number])
    assert url in page
    r = client.get(url)
    assert r.status_code == 200 and 'name="who1"' in r.content.decode()
    r = client.post(url, ANSWER)
    assert r.status_code == 302 and r["Location"].endswith("/thanks/")
    thanks = client.get(r["Location"]).content.decode()
    a = WellbeingAnswer.objects.get()
    assert (a.score, a.channel) == (60, "screen")
    # nothing of the answer is shown back, on the thank-you page or on the card page
    card_page = client.get(reverse("cards:card_detail", args=[fresh_card.number]))
    for html in (thanks, card_page.content.decode()):
        assert "WHO-5" not in html and "score" not in html.lower()
        assert "who1" not in html and "cheerful" not in html


def test_bad_input_is_refused_with_a_message_and_nothing_saved(login, client, cast,
                                                              fresh_card):
    login(cast.a.distributor)
    url = reverse("wellbeing:card_meter", args=[fresh_card.number])
    for bad in ({**ANSWER, "who1": "9"}, {**ANSWER, "often": "7"},
                {k: v for k, v in ANSWER.items() if k != "who3"}, {**ANSWER, "time_point": "4"}):
        r = client.post(url, bad)
        assert r.status_code == 200 and "error-summary" in r.content.decode()
    assert not WellbeingAnswer.objects.exists()
    client.post(url, ANSWER)
    r = client.post(url, {**ANSWER, "channel": "paper"})
    assert r.status_code == 200
    assert "already been answered" in r.content.decode()
    assert WellbeingAnswer.objects.count() == 1


def test_swedish_error_message(login, client, cast, fresh_card):
    login(cast.a.distributor)
    url = reverse("wellbeing:card_meter", args=[fresh_card.number])
    client.post(url, ANSWER)
    client.cookies["django_language"] = "sv"
    r = client.post(url, ANSWER)
    assert "Enkäten har redan besvarats" in r.content.decode()


@pytest.mark.parametrize("who, status", [("distributor_b", 404), ("venue", 404),
                                         ("welfare", 403), ("culture", 404),
                                         ("national", 403)])
def test_questionnaire_wrong_role(login, client, cast, fresh_card, who, status):
    user = {"distributor_b": cast.b.distributor, "venue": cast.a.venue,
            "welfare": cast.a.welfare, "culture": cast.a.culture,
            "national": cast.national}[who]
    login(user)
    url = reverse("wellbeing:card_meter", args=[fresh_card.number])
    assert client.get(url).status_code == status
    assert client.post(url, ANSWER).status_code == status
    assert not WellbeingAnswer.objects.exists()


# --- OmaKaiku ------------------------------------------------------------------------------

def test_holder_answers_in_omakaiku_once(holder_client, holder_card):
    holder_card.issued_on = TODAY - datetime.timedelta(days=5)
    holder_card.save(update_fields=["issued_on"])
    home = holder_client.get(reverse("oma:home")).content.decode()
    assert reverse("oma:wellbeing") in home
    r = holder_client.post(reverse("oma:wellbeing"), {**ANSWER, "who1": "8"})
    assert r.status_code == 200 and not WellbeingAnswer.objects.exists()
    r = holder_client.post(reverse("oma:wellbeing"), ANSWER)
    assert r.status_code == 302
    assert WellbeingAnswer.objects.get().channel == "oma"
    assert reverse("oma:wellbeing") not in holder_client.get(reverse("oma:home")).content.decode()
    r = holder_client.post(reverse("oma:wellbeing"), ANSWER)
    assert r.status_code == 200 and WellbeingAnswer.objects.count() == 1
    # the holder's data download does not carry the answer either
    data = holder_client.get(reverse("oma:data_json")).content.decode()
    assert "who1" not in data and "wellbeing" not in data.lower()


def test_mood_meter_after_a_visit(cast, holder_client, holder_card):
    use = Use.objects.create(card=holder_card, venue=cast.a.venue_org, site=cast.a.site,
                             area=cast.a.area, card_area=cast.a.area, category="culture",
                             event_date=TODAY - datetime.timedelta(days=1))
    other = Use.objects.create(card=make_card(cast.a.unit), venue=cast.a.venue_org,
                               site=cast.a.site, area=cast.a.area, category="culture",
                               event_date=TODAY)
    url = reverse("oma:mood", args=[use.pk])
    assert url in holder_client.get(reverse("oma:uses")).content.decode()
    assert holder_client.post(url, {"face": "7"}).status_code == 200
    r = holder_client.post(url, {"face": "4", "again": "yes"})
    assert r.status_code == 302
    assert MoodAnswer.objects.get().face == 4 and MoodReceipt.objects.count() == 1
    assert url not in holder_client.get(reverse("oma:uses")).content.decode()
    assert holder_client.post(url, {"face": "1"}).status_code == 302  # already answered
    assert MoodAnswer.objects.count() == 1
    # someone else's visit is not found
    assert holder_client.get(reverse("oma:mood", args=[other.pk])).status_code == 404
    assert holder_client.post(reverse("oma:mood", args=[other.pk]),
                              {"face": "5"}).status_code == 404
    assert MoodAnswer.objects.count() == 1


# --- dashboards ------------------------------------------------------------------------------

def _url(kind, pk=None):
    if kind == "national":
        return reverse("wellbeing:national_dashboard")
    return reverse("wellbeing:dashboard", args=[kind, pk])


@pytest.fixture
def targets(cast, geo):
    return {
        "national": ("national", None), "area_a": ("area", cast.a.area.pk),
        "area_b": ("area", cast.b.area.pk), "muni_a": ("municipality", "049"),
        "muni_b": ("municipality", "205"), "county_b": ("county", geo.kainuu_county.pk),
        "venue_a": ("venue", cast.a.venue_org.pk), "venue_b": ("venue", cast.b.venue_org.pk),
        "site2_a": ("site", cast.a.site2.pk),
    }


MATRIX = {
    # who: the dashboards they may open (every other one is 404)
    "national": {"national", "area_a", "area_b", "muni_a", "muni_b", "county_b", "venue_a",
                 "venue_b", "site2_a"},
    "culture_a": {"area_a", "muni_a", "venue_a", "site2_a"},
    "welfare_a": {"area_a", "muni_a"},
    "welfare_b": {"area_b", "muni_b", "county_b"},
    "venue_a": {"venue_a", "site2_a"},
    "site_staff_a": {"site2_a"},
    "distributor_a": set(),
    "seller_a": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("who", sorted(MATRIX))
def test_dashboard_permission_matrix(login, client, cast, targets, who):
    user = {"national": cast.national, "culture_a": cast.a.culture,
            "welfare_a": cast.a.welfare, "welfare_b": cast.b.welfare, "venue_a": cast.a.venue,
            "site_staff_a": cast.a.site_staff, "distributor_a": cast.a.distributor,
            "seller_a": cast.a.seller, "outsider": cast.outsider}[who]
    login(user)
    for name, (kind, pk) in targets.items():
        expected = 200 if name in MATRIX[who] else 404
        assert client.get(_url(kind, pk)).status_code == expected, (who, name)
        export = (reverse("wellbeing:national_export", args=["csv"]) if kind == "national"
                  else reverse("wellbeing:export", args=[kind, pk, "csv"]))
        assert client.get(export).status_code == expected, (who, name, "export")
    index = client.get(reverse("wellbeing:index"))
    assert index.status_code == (200 if MATRIX[who] else 403)


def test_venue_dashboard_has_no_wellbeing_meter(login, client, cast):
    login(cast.a.venue)
    html = client.get(_url("venue", cast.a.venue_org.pk)).content.decode()
    assert "Mood meter by offer" in html and "WHO-5" not in html


def test_dashboard_chart_table_and_exports(login, client, cast, cards_a):
    for i, card in enumerate(cards_a[:12]):
        put_answer(card, score=40 + 4 * i, key=1000 * i)
        put_answer(card, time_point=1, score=44 + 4 * i, key=7 * i)
    for i in range(11):
        put_mood(cast.a.site, face=1 + i % 5, again="yes", key=i * 999)
    login(cast.a.welfare)
    for lang in ("fi", "sv", "en"):
        client.cookies["django_language"] = lang
        r = client.get(_url("area", cast.a.area.pk), {"year": YEAR})
        html = r.content.decode()
        assert r.status_code == 200 and "<svg" in html and "<table" in html
    client.cookies["django_language"] = "en"
    html = client.get(_url("area", cast.a.area.pk), {"year": YEAR}).content.decode()
    assert "Change between issue and first renewal" in html and 'class="chart-ci"' in html
    csv = client.get(reverse("wellbeing:export", args=["area", cast.a.area.pk, "csv"]),
                     {"year": YEAR})
    assert csv.status_code == 200 and "WHO-5" in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("wellbeing:export", args=["area", cast.a.area.pk, "xlsx"]),
                      {"year": YEAR})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # no card number anywhere in the downloads
    text = csv.content.decode("utf-8-sig")
    assert not any(card.number in text for card in cards_a)
    # a year that has not ended is not offered
    r = client.get(_url("area", cast.a.area.pk), {"year": TODAY.year})
    assert "error-summary" in r.content.decode()


def test_no_card_page_export_or_api_answer_shows_an_answer(login, client, cast, api, keys,
                                                          fresh_card):
    put_answer(fresh_card, score=88, key=5, often=3, cost=2, belong=1, year=TODAY.year,
               month=TODAY.month)
    login(cast.a.distributor)
    pages = [reverse("cards:card_detail", args=[fresh_card.number]),
             reverse("cards:card_list")]
    for url in pages:
        html = client.get(url).content.decode()
        assert "WHO-5" not in html and "score" not in html.lower()
        assert "who1" not in html and "cheerful" not in html
    body = api(keys.distributor).get(f"/cards/{fresh_card.number}")
    text = body.content.decode()
    assert body.status_code == 200
    for word in ("who1", "score", "wellbeing", "mood", "often", "belong"):
        assert word not in text.lower()


def test_dashboard_query_count_is_flat(login, client, cast, cards_a,
                                       django_assert_max_num_queries):
    for i, card in enumerate(cards_a):
        put_answer(card, score=40 + 2 * (i % 10) * 2, key=i)
        put_answer(card, time_point=1, score=48, key=i)
        put_mood(cast.a.site, face=1 + i % 5, key=i)
    login(cast.national)
    with django_assert_max_num_queries(25):
        assert client.get(_url("national"), {"year": YEAR}).status_code == 200


def test_yearly_pdf_report_has_the_wellbeing_section(login, client, cast, cards_a, settings):
    from tests.stats.test_pdf_layout import flat, overlaps, page_texts

    for i, card in enumerate(cards_a[:12]):
        put_answer(card, score=40 + 4 * i, key=1000 * i)
        put_answer(card, time_point=1, score=48 + 4 * i, key=7 * i)
    login(cast.a.welfare)
    for lang, title in (("fi", "Muutos myöntämisen ja ensimmäisen uusimisen välillä"),
                        ("en", "Change between issue and first renewal")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        r = client.get(f"/stats/area/{cast.a.area.pk}/report-{YEAR}.pdf")
        assert r.status_code == 200
        pages = page_texts(r.content)
        text = flat(" ".join(t for t, *_ in pages))
        assert title in text and "WHO-5" in text
        for _text, _w, _h, boxes in pages:
            assert not overlaps(boxes), overlaps(boxes)[:3]
        assert not any(card.number in text for card in cards_a)
    # a year not yet shown says when it will be
    r = client.get(f"/stats/area/{cast.a.area.pk}/report-{TODAY.year}.pdf")
    assert "published when the year has ended" in flat(" ".join(t for t, *_ in
                                                                 page_texts(r.content)))
