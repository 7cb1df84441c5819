"""`make run` loads the demo twice without harm, with a login for every role."""

import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from kaikukanta.accounts.models import Role, User
from kaikukanta.accounts.security import requires_second_factor
from kaikukanta.network.models import Area


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_loading_the_demo_again_changes_no_row_and_sends_no_mail(demo, settings,
                                                                  mailoutbox):
    """The one second load in the suite: every table keeps its row count (areas, cards,
    uses, invitations, checklist steps, statistics, public pages, OmaKaiku ...)."""
    settings.DEMO = True
    before = _row_counts()
    assert before["cards.Card"] >= 300 and before["usage.Use"] > 1000
    out = io.StringIO()
    with translation.override("fi"):
        call_command("load_demo", stdout=out)
    after = _row_counts()
    assert {label: (before[label], after[label]) for label in before
            if before[label] != after[label]} == {}
    assert mailoutbox == []  # the waiting invitation is not sent again
    assert "0 created" in out.getvalue()  # the geography is there already

    def logins(text: str) -> list[str]:
        return [line for line in text.splitlines() if "@demo.kaikukanta.fi" in line]

    assert logins(out.getvalue()) and logins(out.getvalue()) == logins(demo.output)


def test_the_demo_covers_every_role_and_every_printed_login_signs_in(demo, client, settings):
    settings.DEMO = True
    assert Area.objects.count() >= 3
    roles = set(User.objects.values_list("memberships__role", flat=True))
    assert roles >= set(Role.values)
    kainuu = Area.objects.get(name="Kainuu")
    assert kainuu.municipalities.count() >= 2 and kainuu.wellbeing_county_id == "20"
    # every printed login signs in through the form; the roles that need a second factor
    # pass it with the code that `manage.py demo_totp` prints
    assert "manage.py demo_totp" in demo.output
    for user in User.objects.all():
        assert user.email in demo.output
        response = client.post(reverse("accounts:login"),
                               {"username": user.email, "password": "kaikukortti-demo"})
        assert response.status_code == 302
        if requires_second_factor(user):
            assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
            assert client.get("/accounts/home/").status_code == 302
            code = io.StringIO()
            call_command("demo_totp", stdout=code)
            response = client.post(response["Location"], {"code": code.getvalue().split()[0]})
            assert response.status_code == 302
        assert client.get("/accounts/home/").status_code == 200
        client.logout()


def test_demo_totp_refuses_outside_demo_mode(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("demo_totp", stdout=io.StringIO())
