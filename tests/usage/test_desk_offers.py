"""The desk's offers (`selectors.desk_offers`): kept in the process under the offers'
version (`lib.versioned_cache`), so a change to any offer shows on the very next request
in the same process; the record form's choices are made once per version of the offers
(`selectors.DeskOffers`) and validate as before."""

from __future__ import annotations

import pickle
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kaikukanta.lib import versioned_cache
from kaikukanta.usage import selectors
from kaikukanta.usage.forms import RecordForm
from kaikukanta.usage.models import Category, Offer, OfferKind, OfferStatus, Use
from tests.conftest import sign_in
from tests.usage.conftest import mk
from tests.usage.test_desk_views import RECORD, look_up, token_of


def _offer(site, title: str, **fields) -> Offer:
    return Offer.objects.create(venue=site.organisation, site=site, title_fi=title,
                                category=Category.CULTURE, kind=OfferKind.ADMISSION,
                                **fields)


def _shown(client, site, card) -> list[str]:
    """The offers the record form offers after a look-up (their titles, sorted)."""
    body = look_up(client, site, card.display_number).content.decode()
    select = re.search(r'<select name="offer".*?</select>', body, re.S).group(0)
    return sorted(re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', select))


def test_a_changed_added_or_removed_offer_shows_on_the_next_request(cast, card, offer,
                                                                     client):
    sign_in(client, cast.a.venue)
    site = cast.a.site
    assert _shown(client, site, card) == ["Exhibition"]
    # while nothing changes the process's copy is used: the offers are not read again,
    # and it is the very object kept for the version
    with CaptureQueriesContext(connection) as ctx:
        assert _shown(client, site, card) == ["Exhibition"]
    assert not [q for q in ctx.captured_queries
                if q["sql"].startswith('SELECT "usage_offer"')]
    assert selectors.desk_offers(site) is selectors.desk_offers(site)
    assert versioned_cache._LOCAL[f"desk:offers2:{site.pk}"][2] is selectors.desk_offers(site)

    offer.title_en = "Exhibition 2"
    offer.save()
    assert _shown(client, site, card) == ["Exhibition 2"]
    added = _offer(site, "Konsertti")
    assert _shown(client, site, card) == ["Exhibition 2", "Konsertti"]
    added.status = OfferStatus.HIDDEN
    added.save()
    assert _shown(client, site, card) == ["Exhibition 2"]
    offer.delete()
    assert _shown(client, site, card) == []
    # an offer moved here from the site's other unit shows too
    moved = _offer(cast.a.site2, "Uinti")
    assert _shown(client, site, card) == []
    moved.site = site
    moved.save()
    assert _shown(client, site, card) == ["Uinti"]


def _post(client, site, card, offer_pk, today):
    body = look_up(client, site, card.display_number).content.decode()
    return client.post(RECORD, {"site": site.pk, "number": card.display_number,
                                "token": token_of(body), "offer": offer_pk,
                                "event_date": today.isoformat(), "children": 0})


@pytest.mark.parametrize("which", ["other site", "hidden", "unknown"])
def test_an_offer_not_active_at_the_site_is_refused_at_the_desk(cast, card, offer, client,
                                                                today, which):
    sign_in(client, cast.a.venue)
    site = cast.a.site
    assert _shown(client, site, card) == ["Exhibition"]  # the offers are cached now
    refused = {"other site": lambda: _offer(cast.a.site2, "Uinti").pk,
               "hidden": lambda: _offer(site, "Piilossa", status=OfferStatus.HIDDEN).pk,
               "unknown": lambda: Offer.objects.order_by("-pk").first().pk + 1000}[which]()
    r = _post(client, site, card, refused, today)
    assert r.status_code == 200 and "Select a valid choice" in r.content.decode()
    assert not Use.objects.exists()
    r = _post(client, site, card, offer.pk, today)  # the site's own offer records
    assert r.status_code == 302 and Use.objects.get().offer == offer


def test_the_record_form_validates_the_same_with_made_offers_or_a_list(cast, offer):
    other = _offer(cast.a.site2, "Uinti")
    made = selectors.desk_offers(cast.a.site)
    assert isinstance(made, selectors.DeskOffers) and list(made) == [offer]
    for offers in (made, [offer], None):
        def form(pk, offers=offers):
            return RecordForm({"number": "X", "token": "t", "offer": pk,
                               "event_date": "2026-01-05", "children": "0"},
                              site=cast.a.site, children_max=1, offers=offers)

        good = form(offer.pk)
        assert good.is_valid(), good.errors
        assert good.cleaned_data["offer"] == offer
        general = form("")
        assert general.is_valid() and general.cleaned_data["offer"] is None
        assert not form(other.pk).is_valid() and "offer" in form(other.pk).errors
        assert [v for v, _ in form("").fields["offer"].choices] == ["", str(offer.pk)]
        assert [v for v, _ in form("").fields["children"].widget.choices] == [0, 1]


def test_the_choices_follow_the_language_and_the_offers_pickle_without_them(cast, offer):
    made = selectors.DeskOffers([offer])
    for lang, title in (("fi", "Näyttely"), ("sv", "Utställning"), ("en", "Exhibition")):
        with translation.override(lang):
            assert made.titles() == ((str(offer.pk), title),)
            form = RecordForm(site=cast.a.site, offers=made)
            assert list(form.fields["offer"].choices)[1] == (str(offer.pk), title)
    again = pickle.loads(pickle.dumps(made))  # noqa: S301 - our own bytes, as the cache
    assert type(again) is selectors.DeskOffers and list(again) == [offer]
    assert again.by_pk == {str(offer.pk): offer} and again._titles == {}


def test_a_card_of_the_site_records_with_the_cached_offers(cast, offer, client, today):
    """The offers kept in the process are the ones the use is recorded with."""
    sign_in(client, cast.a.venue)
    card = mk(cast.a.unit)
    assert _post(client, cast.a.site, card, offer.pk, today).status_code == 302
    assert Use.objects.get().offer_id == offer.pk
