"""Counts that matter under concurrency (PostgreSQL only): failed sign-ins sent at once
are all counted, and one recovery code sent by two sessions at once works only once."""

from __future__ import annotations

import threading

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from kaikukanta.accounts import security
from tests.conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _together(count, work):
    barrier = threading.Barrier(count)
    results = []

    def run(i):
        try:
            barrier.wait()
            results.append(work(i))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_failed_sign_ins_sent_at_once_are_all_counted(cast):
    def fail(_):
        return Client().post(reverse("accounts:login"), {
            "username": "venue@espoo.test", "password": "wrong"}).status_code

    codes = _together(12, fail)
    assert sorted(codes).count(200) <= 9 and len(codes) == 12
    total = AccessAttempt.objects.filter(username="venue@espoo.test").aggregate(
        n=Sum("failures_since_start"))["n"]
    assert total == 12
    response = Client().post(reverse("accounts:login"), {
        "username": "venue@espoo.test", "password": PASSWORD})
    assert response.status_code == 429


def test_one_recovery_code_sent_twice_at_once_works_once(cast):
    user = cast.a.culture
    sign_in(Client(), user)  # gives the user an app
    [code] = security.replace_recovery_codes(user)[:1]
    clients = [Client(), Client()]
    for client in clients:
        sign_in(client, user, second_factor=False)

    def use(i):
        return clients[i].post(reverse("accounts:two_factor_verify"), {"code": code}).status_code

    assert sorted(_together(2, use)) == [200, 302]
    assert security.recovery_codes_left(user) == 9
