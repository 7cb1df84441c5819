"""Services check the permission themselves: the same call refused to the wrong person,
and to an API key of the wrong organisation, whatever page or endpoint calls it."""

import pytest
from django.utils import timezone

from kaikukanta.accounts.scope import scope_for_organisation, scope_for_user
from kaikukanta.cards import services as cards
from kaikukanta.lib.errors import NotAllowed
from kaikukanta.network import services as network
from kaikukanta.surveys import services as surveys
from kaikukanta.usage import services as usage
from kaikukanta.usage.models import Category, Use
from tests.factories import make_card
from tests.surveys.conftest import make_survey


def _record(cast, site):
    return lambda scope: usage.use_record(
        scope=scope, site=site, card_number=make_card(cast.a.unit).number,
        event_date=timezone.localdate(), category=Category.CULTURE)


CALLS = {
    "record at area a's site": lambda cast: _record(cast, cast.a.site),
    "renew area a's card": lambda cast: (
        lambda scope: cards.card_renew(scope=scope, card=make_card(cast.a.unit))),
    "stock for area a": lambda cast: (
        lambda scope: cards.batch_create(scope=scope, area=cast.a.area, count=1)),
    "unit for area a's venue": lambda cast: (
        lambda scope: network.unit_create(scope=scope, organisation=cast.a.venue_org,
                                          name="New site")),
    "approve b's venue for a's seller": lambda cast: (
        lambda scope: network.seller_link_decide(
            scope=scope, approve=True,
            link=network.seller_link_request(scope=scope_for_user(cast.a.seller),
                                             seller=cast.a.seller_org, venue=cast.b.venue_org))),
    "survey for area a": lambda cast: (
        lambda scope: surveys.survey_create(scope=scope, area=cast.a.area, title="Q",
                                            to_venues=True)),
    "answer area a's survey": lambda cast: _answer(cast),
}


def _answer(cast):
    survey = make_survey(cast)
    question = survey.questions.get(kind="scale")
    return lambda scope: surveys.survey_answer(scope=scope, survey=survey,
                                               answers={question.pk: 4})

# (call, actor, allowed): actors are people of the cast or API keys ("key:<org>")
TABLE = [
    ("record at area a's site", "a.venue", True),
    ("record at area a's site", "a.seller", True),
    ("record at area a's site", "key:a.venue_org", True),
    ("record at area a's site", "key:a.seller_org", True),
    ("record at area a's site", "a.site_staff", False),  # staff of the other site
    ("record at area a's site", "b.venue", False),
    ("record at area a's site", "key:b.venue_org", False),
    ("record at area a's site", "key:b.seller_org", False),
    ("record at area a's site", "a.culture", False),
    ("record at area a's site", "national", False),
    ("renew area a's card", "a.distributor", True),
    ("renew area a's card", "key:a.distributor_org", True),
    ("renew area a's card", "b.distributor", False),
    ("renew area a's card", "key:b.distributor_org", False),
    ("renew area a's card", "a.welfare", False),
    ("stock for area a", "a.welfare", True),
    ("stock for area a", "a.culture", True),
    ("stock for area a", "b.welfare", False),
    ("stock for area a", "a.distributor", False),
    ("stock for area a", "key:a.distributor_org", False),
    ("unit for area a's venue", "a.culture", True),
    ("unit for area a's venue", "a.welfare", False),
    ("unit for area a's venue", "b.culture", False),
    ("unit for area a's venue", "a.venue", False),
    ("unit for area a's venue", "key:a.venue_org", False),
    ("approve b's venue for a's seller", "b.culture", True),
    ("approve b's venue for a's seller", "b.venue", True),
    ("approve b's venue for a's seller", "a.culture", False),
    ("approve b's venue for a's seller", "a.seller", False),
    ("approve b's venue for a's seller", "key:b.venue_org", True),
    ("survey for area a", "a.culture", True),
    ("survey for area a", "a.welfare", True),
    ("survey for area a", "b.culture", False),
    ("survey for area a", "a.venue", False),
    ("survey for area a", "key:a.venue_org", False),
    ("answer area a's survey", "a.venue", True),
    ("answer area a's survey", "a.distributor", True),
    ("answer area a's survey", "a.seller", False),  # not asked
    ("answer area a's survey", "key:a.venue_org", False),  # people answer, not keys
    ("answer area a's survey", "b.venue", False),
    ("answer area a's survey", "a.culture", False),
    ("answer area a's survey", "national", False),
]


def _scope(cast, who: str):
    def get(path):
        obj = cast
        for part in path.split("."):
            obj = getattr(obj, part)
        return obj

    if who.startswith("key:"):
        return scope_for_organisation(get(who[4:]), label=f"api_key:{who}")
    return scope_for_user(get(who))


@pytest.mark.parametrize(("call", "who", "allowed"), TABLE)
def test_service_checks_the_permission(cast, call, who, allowed):
    run = CALLS[call](cast)
    scope = _scope(cast, who)
    uses_before = Use.objects.count()
    if allowed:
        run(scope)
    else:
        with pytest.raises(NotAllowed):
            run(scope)
        assert Use.objects.count() == uses_before
