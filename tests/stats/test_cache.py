"""Dashboards from the cache, made fresh by the changes they count; reads from a replica."""

from __future__ import annotations

import datetime

import pytest
from django.db import connections, router
from django.test.utils import CaptureQueriesContext

from kaikukanta.cards.models import Card
from kaikukanta.lib.routers import replica_reads
from kaikukanta.stats import hooks
from kaikukanta.stats.cache import dashboard_cached
from kaikukanta.stats.scopes import Period, Target
from kaikukanta.stats.selectors import dashboard
from tests.factories import make_card
from tests.stats.conftest import cancel_use, make_use

Y = 2025
P = Period.year(Y)


def uses_figure(d) -> int:
    rows = dict(d.table("summary").rows)
    return rows["Uses (holders' tickets)"][0].shown


@pytest.fixture
def cached(settings):
    settings.STATS_CACHE_SECONDS = 300


@pytest.fixture
def data(cast):
    card = make_card(cast.a.unit, issued_on=datetime.date(Y, 1, 5))
    make_use(card, cast.a.site, datetime.date(Y, 2, 2))
    return card


def test_a_cached_dashboard_is_read_without_queries(cast, data, cached,
                                                    django_assert_num_queries):
    target = Target("area", cast.a.area)
    first = dashboard_cached(target=target, period=P, exact=True)
    with django_assert_num_queries(0):
        again = dashboard_cached(target=target, period=P, exact=True)
    assert uses_figure(again) == uses_figure(first) == 1


@pytest.mark.parametrize("change", ["recorded", "backfilled", "cancelled"])
def test_a_use_makes_every_dashboard_counting_it_fresh(cast, data, cached, change,
                                                       django_capture_on_commit_callbacks):
    a = cast.a
    targets = [Target("national"), Target("area", a.area), Target("venue", a.venue_org),
               Target("site", a.site), Target("unit", a.unit),
               Target("distributor", a.distributor_org)]
    before = {t: uses_figure(dashboard_cached(target=t, period=P, exact=True))
              for t in targets}
    with django_capture_on_commit_callbacks(execute=True):
        if change == "cancelled":
            use = data.uses.get()
            cancel_use(use)
        else:
            make_use(data, a.site, datetime.date(Y, 3, 3), backfilled=change == "backfilled")
    delta = -1 if change == "cancelled" else 1
    for t in targets:
        fresh = dashboard_cached(target=t, period=P, exact=True)
        assert uses_figure(fresh) == before[t] + delta, t.kind
        assert uses_figure(fresh) == uses_figure(dashboard(target=t, period=P, exact=True))


def test_a_use_elsewhere_leaves_other_dashboards_cached(cast, data, cached,
                                                        django_capture_on_commit_callbacks,
                                                        django_assert_num_queries):
    b = cast.b
    site_a = Target("site", cast.a.site)
    dashboard_cached(target=site_a, period=P, exact=True)
    card_b = make_card(b.unit, issued_on=datetime.date(Y, 1, 5))
    with django_capture_on_commit_callbacks(execute=True):
        make_use(card_b, b.site, datetime.date(Y, 3, 3))
    with django_assert_num_queries(0):
        dashboard_cached(target=site_a, period=P, exact=True)


def test_a_card_event_makes_card_dashboards_fresh(cast, data, cached,
                                                  django_capture_on_commit_callbacks):
    unit = Target("unit", cast.a.unit)
    before = dashboard_cached(target=unit, period=P, exact=True)
    with django_capture_on_commit_callbacks(execute=True):
        card = make_card(cast.a.unit, issued_on=datetime.date(Y, 4, 4))
        hooks.on_card_event(card, None)
    after = dashboard_cached(target=unit, period=P, exact=True)
    registered = "Cards registered in the period"
    assert dict(after.table("summary").rows)[registered][0].shown == dict(
        before.table("summary").rows)[registered][0].shown + 1


def test_not_cached_when_turned_off(cast, data, settings):
    settings.STATS_CACHE_SECONDS = 0
    target = Target("site", cast.a.site)
    dashboard_cached(target=target, period=P, exact=True)
    with CaptureQueriesContext(connections["default"]) as queries:
        dashboard_cached(target=target, period=P, exact=True)
    assert len(queries) > 0


@pytest.fixture
def replica_is_primary(settings):
    """DATABASE_REPLICA_URL pointing at the primary: the alias is the same database."""
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}
    connections["replica"] = connections["default"]
    yield
    del connections["replica"]


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_dashboards_read_from_the_replica_and_writes_stay_on_the_primary(
        cast, data, replica_is_primary):
    assert Card.objects.all().db == "default"
    with replica_reads() as alias:
        assert alias == "replica"
        assert Card.objects.all().db == "replica"
        assert router.db_for_write(Card) == "default"
    assert Card.objects.all().db == "default"
    assert router.allow_migrate("replica", "cards") is False
    for target in (Target("national"), Target("area", cast.a.area), Target("unit", cast.a.unit)):
        with replica_reads():
            via_replica = dashboard(target=target, period=P, exact=True)
        direct = dashboard(target=target, period=P, exact=True)
        assert [(t.key, [[c.shown for c in cells] for _l, cells in t.rows])
                for t in via_replica.tables] == [
               (t.key, [[c.shown for c in cells] for _l, cells in t.rows])
               for t in direct.tables]


def test_without_a_replica_everything_reads_the_primary():
    with replica_reads() as alias:
        assert alias == "default"
        assert Card.objects.all().db == "default"
