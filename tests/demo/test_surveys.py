"""The demo's local surveys: a closed Espoo survey whose results show, and an open one
waiting on the Espoo staff's home pages."""

from django.utils import timezone

from kaikukanta.accounts.models import User
from kaikukanta.surveys import selectors
from kaikukanta.surveys.models import Survey
from tests.conftest import sign_in


def test_demo_surveys(demo, client):
    closed, open_ = (Survey.objects.get(status=s) for s in ("closed", "open"))
    assert selectors.results(closed, timezone.localdate()).shown
    assert closed.responses.count() == 3 and open_.responses.count() == 0
    sign_in(client, User.objects.get(email="jakaja.espoo@demo.kaikukanta.fi"))
    assert open_.title in client.get("/accounts/home/").content.decode()
