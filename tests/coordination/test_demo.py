import pytest
from django.core.management import call_command

from kaikukanta.accounts.models import Invitation, InvitationStatus
from kaikukanta.network.models import AreaChecklistStep, Commitment, DistributorReview


@pytest.mark.django_db
def test_coordination_demo_is_idempotent(mailoutbox):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (AreaChecklistStep.objects.count(), Invitation.objects.count(),
              DistributorReview.objects.count(), Commitment.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts == (AreaChecklistStep.objects.count(), Invitation.objects.count(),
                      DistributorReview.objects.count(), Commitment.objects.count())
    assert AreaChecklistStep.objects.filter(area__name="Oulu", status="done").count() == 6
    assert AreaChecklistStep.objects.filter(area__name="Espoo", status="done").count() == 10
    assert Invitation.objects.filter(status=InvitationStatus.PENDING).count() == 1
    assert DistributorReview.objects.pending().get().organisation.home_area.name == "Oulu"
    assert Commitment.objects.count() >= 4
    assert len(mailoutbox) == 1 and "Sinut on kutsuttu" in mailoutbox[0].body
