from django.urls import path

from kaikukanta.usage import views

app_name = "usage"

urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("desk/record/", views.desk_record, name="desk_record"),
    path("desk/queued/", views.desk_queued, name="desk_queued"),
    path("desk/sw.js", views.desk_service_worker, name="desk_sw"),
    path("desk/manifest.webmanifest", views.desk_manifest, name="desk_manifest"),
    path("uses/", views.use_list, name="uses"),
    path("uses/months/", views.use_months, name="use_months"),
    path("uses/<int:pk>/cancel/", views.use_cancel, name="use_cancel"),
    path("offers/", views.offer_list, name="offers"),
    path("offers/new/", views.offer_create, name="offer_create"),
    path("offers/<int:pk>/", views.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/status/", views.offer_status, name="offer_status"),
    path("backfill/", views.backfill, name="backfill"),
    path("backfill/upload/", views.backfill_upload, name="backfill_upload"),
    path("backfill/upload/<int:pk>/", views.upload_job, name="upload_job"),
    path("lookups/", views.lookup_review, name="lookups"),
]
