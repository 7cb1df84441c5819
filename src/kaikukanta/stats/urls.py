from django.urls import path, register_converter

from kaikukanta.stats import views


class KindConverter:
    regex = "area|distributor|unit|venue|site|seller"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class TableFormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KindConverter, "kind")
register_converter(TableFormatConverter, "tfmt")

app_name = "stats"

urlpatterns = [
    path("", views.index, name="index"),
    path("national/", views.dashboard, name="national"),
    path("national/export.<tfmt:fmt>", views.dashboard_export, name="national_export"),
    path("national/report-<int:year>.pdf", views.report_pdf, name="national_report"),
    path("<kind:kind>/<int:pk>/", views.dashboard, name="dashboard"),
    path("<kind:kind>/<int:pk>/export.<tfmt:fmt>", views.dashboard_export, name="export"),
    path("<kind:kind>/<int:pk>/report-<int:year>.pdf", views.report_pdf, name="report"),
    path("municipality/<str:pk>/", views.dashboard, {"kind": "municipality"},
         name="municipality"),
    path("municipality/<str:pk>/export.<tfmt:fmt>", views.dashboard_export,
         {"kind": "municipality"}, name="municipality_export"),
    path("municipality/<str:pk>/report-<int:year>.pdf", views.report_pdf,
         {"kind": "municipality"}, name="municipality_report"),
    path("annual/", views.annual, name="annual"),
    path("annual/export.<tfmt:fmt>", views.annual_export, name="annual_export"),
    path("costs/", views.costs, name="costs"),
    path("costs/export.<tfmt:fmt>", views.costs_export, name="costs_export"),
]
