"""`make run` loads the demo twice without harm, with a login for every role."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from kaikukanta.accounts.models import Role, User
from kaikukanta.accounts.security import requires_second_factor
from kaikukanta.network.models import Area, Organisation
from kaikukanta.surveys import selectors
from kaikukanta.surveys.models import Response, Survey


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_covers_every_role(client, settings):
    settings.DEMO = True
    from kaikukanta.wellbeing.models import MoodAnswer, MoodReceipt, WellbeingAnswer

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Area.objects.count(), Organisation.objects.count(), User.objects.count(),
              WellbeingAnswer.objects.count(), MoodAnswer.objects.count(),
              Survey.objects.count(), Response.objects.count())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert (Area.objects.count(), Organisation.objects.count(), User.objects.count(),
            WellbeingAnswer.objects.count(), MoodAnswer.objects.count(),
            Survey.objects.count(), Response.objects.count()) == counts
    # one closed local survey with results to show and one open (surveys/demo.py)
    closed, open_ = (Survey.objects.get(status=s) for s in ("closed", "open"))
    assert selectors.results(closed, timezone.localdate()).shown
    assert closed.responses.count() == 3 and open_.responses.count() == 0
    # wellbeing answers for a few hundred cards, with pairs in an ended year, and moods
    assert WellbeingAnswer.objects.values("card").distinct().count() >= 200
    assert WellbeingAnswer.objects.filter(time_point=1).exists()
    assert MoodAnswer.objects.count() == MoodReceipt.objects.count() > 50
    assert counts[0] >= 3
    roles = set(User.objects.values_list("memberships__role", flat=True))
    assert roles >= set(Role.values)
    kainuu = Area.objects.get(name="Kainuu")
    assert kainuu.municipalities.count() >= 2 and kainuu.wellbeing_county_id == "20"
    # every printed login signs in through the form; the roles that need a second factor
    # pass it with the code that `manage.py demo_totp` prints
    assert "manage.py demo_totp" in out.getvalue()
    for user in User.objects.all():
        assert user.email in out.getvalue()
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
