"""Public pages, without sign-in, under a language prefix (/fi/, /sv/, /en/)."""

from django.urls import path

from kaikukanta.public import views

app_name = "public"

urlpatterns = [
    path("", views.front, name="front"),
    path("offers/", views.offers, name="offers"),
    path("open-data/", views.open_data, name="open_data"),
    path("areas/<int:pk>/", views.area, name="area"),
    path("areas/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("areas/<int:pk>/brochure.pdf", views.brochure, name="brochure"),
    path("areas/<int:pk>/poster.pdf", views.poster, name="poster"),
]
