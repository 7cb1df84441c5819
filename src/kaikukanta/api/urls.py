from django.urls import path, re_path

from kaikukanta.api import pages, views

app_name = "api"

# JSON endpoints: each is in the OpenAPI document (see tests/api/test_openapi.py).
api_urlpatterns = [
    path("offers", views.offers, name="offers"),
    path("uses", views.uses, name="uses"),
    path("uses/<int:use_id>", views.use, name="use"),
    path("cards", views.cards, name="cards"),
    path("cards/<str:number>", views.card, name="card"),
    path("cards/<str:number>/renew", views.card_renewal, name="card_renew"),
]

urlpatterns = [
    path("", pages.docs, name="docs"),
    path("openapi.json", views.openapi_json, name="openapi"),
    path("keys/", pages.key_list, name="key_list"),
    path("keys/organisation/<int:pk>/", pages.key_organisation, name="key_organisation"),
    path("keys/<int:pk>/revoke/", pages.key_revoke, name="key_revoke"),
    *api_urlpatterns,
    # any other path, also one with a newline in it (which "." would not match)
    re_path(r"^(?P<rest>[\s\S]*)$", views.not_found, name="not_found"),
]
