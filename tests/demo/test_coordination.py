"""The demo's coordination data: checklists, one waiting invitation (mailed once, in
Finnish), a distributor waiting for review, commitments."""

from kaikukanta.accounts.models import Invitation, InvitationStatus
from kaikukanta.network.models import AreaChecklistStep, Commitment, DistributorReview


def test_coordination_demo(demo):
    assert AreaChecklistStep.objects.filter(area__name="Oulu", status="done").count() == 6
    assert AreaChecklistStep.objects.filter(area__name="Espoo", status="done").count() == 10
    assert Invitation.objects.filter(status=InvitationStatus.PENDING).count() == 1
    assert DistributorReview.objects.pending().get().organisation.home_area.name == "Oulu"
    assert Commitment.objects.count() >= 4
    assert len(demo.mails) == 1 and "Sinut on kutsuttu" in demo.mails[0].body
