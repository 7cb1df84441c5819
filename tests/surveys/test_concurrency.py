"""One person sending the answer form twice at once (two tabs) is counted once, and two
colleagues answering at once are both counted (PostgreSQL only)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from kaikukanta.lib.errors import DomainError
from kaikukanta.surveys.models import Responder, Response
from tests.surveys.conftest import answer, make_survey


def _at_once(survey, users) -> list[str]:
    barrier = threading.Barrier(len(users))
    results: list[str] = []

    def send(user):
        try:
            barrier.wait()
            answer(survey, user, scale=4)
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_person_twice_at_once(cast):
    survey = make_survey(cast)
    assert _at_once(survey, [cast.a.venue, cast.a.venue]) == ["ok", "survey_already_answered"]
    assert Response.objects.count() == 1 and Responder.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_colleagues_at_once(cast):
    survey = make_survey(cast)
    assert _at_once(survey, [cast.a.venue, cast.a.distributor]) == ["ok", "ok"]
    assert Response.objects.count() == 2
