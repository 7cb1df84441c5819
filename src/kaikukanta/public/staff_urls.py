"""Signed-in pages that edit what the public sees."""

from django.urls import path

from kaikukanta.public import staff_views

app_name = "public_staff"

urlpatterns = [
    path("areas/", staff_views.areas, name="areas"),
    path("areas/<int:pk>/", staff_views.area_edit, name="area_edit"),
    path("areas/<int:pk>/feedback/", staff_views.feedback_list, name="feedback"),
    path("feedback/<int:pk>/handled/", staff_views.feedback_handled, name="feedback_handled"),
    path("venue/", staff_views.venue, name="venue"),
    path("units/<int:pk>/", staff_views.unit_edit, name="unit_edit"),
]
