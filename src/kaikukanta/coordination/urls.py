from django.urls import path

from kaikukanta.coordination import views

app_name = "coordination"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("areas/new/", views.area_create, name="area_create"),
    path("areas/<int:pk>/", views.area_detail, name="area_detail"),
    path("areas/<int:pk>/edit/", views.area_edit, name="area_edit"),
    path("areas/<int:pk>/checklist/<slug:step>/", views.checklist_step, name="checklist_step"),
    path("areas/<int:pk>/invite/", views.invite_coordinator, name="invite_coordinator"),
    path("areas/<int:pk>/organisations/new/", views.organisation_create,
         name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/units/new/", views.unit_create, name="unit_create"),
    path("organisations/<int:pk>/invite/", views.organisation_invite,
         name="organisation_invite"),
    path("organisations/<int:pk>/commitment/", views.commitment_acknowledge,
         name="commitment_acknowledge"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("reviews/<int:pk>/done/", views.review_done, name="review_done"),
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("users/", views.user_list, name="user_list"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("seller-links/", views.seller_link_list, name="seller_link_list"),
    path("seller-links/ask/", views.seller_link_request, name="seller_link_request"),
    path("seller-links/<int:pk>/decide/", views.seller_link_decide, name="seller_link_decide"),
    path("commitments/", views.commitment_list, name="commitment_list"),
    path("operating-model/", views.operating_model, name="operating_model"),
    path("audit/", views.audit_list, name="audit_list"),
]
