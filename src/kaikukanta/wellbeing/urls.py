from django.urls import path, register_converter

from kaikukanta.wellbeing import views


class KindConverter:
    regex = "county|area|municipality|venue|site"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class FormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KindConverter, "wkind")
register_converter(FormatConverter, "wfmt")

app_name = "wellbeing"

urlpatterns = [
    path("", views.index, name="index"),
    path("national/", views.dashboard, {"kind": "national"}, name="national_dashboard"),
    path("national/export.<wfmt:fmt>", views.export, {"kind": "national"},
         name="national_export"),
    path("<wkind:kind>/<str:pk>/", views.dashboard, name="dashboard"),
    path("<wkind:kind>/<str:pk>/export.<wfmt:fmt>", views.export, name="export"),
    path("card/<str:number>/", views.card_meter, name="card_meter"),
    path("card/<str:number>/thanks/", views.card_meter_done, name="card_meter_done"),
]
