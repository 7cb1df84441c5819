"""The use table's foreign keys on PostgreSQL: one key for a use's site and venue together
(usage 0008), which also holds that the venue is the site's organisation."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from kaikukanta.usage.models import Use
from tests.stats.conftest import make_use
from tests.usage.conftest import mk as make_card

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _check_now() -> None:
    with connection.cursor() as cur:  # the deferred checks, now rather than at commit
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_one_key_holds_the_site_and_its_venue(cast):
    with connection.cursor() as cur:
        cur.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
                    "'usage_use'::regclass AND contype = 'f' AND (conkey @> ARRAY["
                    "(SELECT attnum FROM pg_attribute WHERE attrelid = 'usage_use'::regclass "
                    "AND attname = 'site_id')] OR conkey @> ARRAY[(SELECT attnum FROM "
                    "pg_attribute WHERE attrelid = 'usage_use'::regclass "
                    "AND attname = 'venue_id')])")
        keys = [row[0] for row in cur.fetchall()]
    assert keys == ["FOREIGN KEY (site_id, venue_id) REFERENCES network_unit(id, "
                    "organisation_id) DEFERRABLE INITIALLY DEFERRED"]


def test_a_use_at_a_site_of_its_venue_is_kept(cast):
    use = make_use(make_card(cast.a.unit), cast.a.site, datetime.date(2025, 3, 3))
    _check_now()
    assert Use.objects.filter(pk=use.pk, venue=cast.a.site.organisation).exists()


def test_a_use_whose_venue_is_not_its_sites_is_refused(cast):
    use = make_use(make_card(cast.a.unit), cast.a.site, datetime.date(2025, 3, 3))
    assert cast.b.site.organisation_id != cast.a.site.organisation_id
    with pytest.raises(IntegrityError), transaction.atomic():
        Use.objects.filter(pk=use.pk).update(venue=cast.b.site.organisation)
        _check_now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Use.objects.filter(pk=use.pk).update(site=cast.b.site)
        _check_now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Use.objects.filter(pk=use.pk).update(site_id=10**9)  # no such unit
        _check_now()
    _check_now()  # the use as it was passes
