"""The demo's wellbeing answers: a few hundred cards, pairs in an ended year, and moods."""

from kaikukanta.wellbeing.models import MoodAnswer, MoodReceipt, WellbeingAnswer


def test_demo_wellbeing_answers(demo):
    assert WellbeingAnswer.objects.values("card").distinct().count() >= 200
    assert WellbeingAnswer.objects.filter(time_point=1).exists()
    assert MoodAnswer.objects.count() == MoodReceipt.objects.count() > 50
