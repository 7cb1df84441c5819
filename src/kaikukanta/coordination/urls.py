"""The coordinators' section of the site (/coordination/). Its pages live with their
domain; the addresses and names stay here so links and bookmarks keep working."""

from django.urls import path

from kaikukanta.accounts import staff_views as accounts
from kaikukanta.audit import views as audit
from kaikukanta.coordination import views
from kaikukanta.network import views as network

app_name = "coordination"
RUN = {"coordinating": True}  # the area's and organisation's page, for those who run it

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("areas/new/", network.area_create, name="area_create"),
    path("areas/<int:pk>/", network.area_detail, RUN, name="area_detail"),
    path("areas/<int:pk>/edit/", network.area_edit, name="area_edit"),
    path("areas/<int:pk>/checklist/<slug:step>/", network.checklist_step, name="checklist_step"),
    path("areas/<int:pk>/invite/", accounts.invite_coordinator, name="invite_coordinator"),
    path("areas/<int:pk>/organisations/new/", network.organisation_create,
         name="organisation_create"),
    path("organisations/<int:pk>/", network.organisation_detail, RUN,
         name="organisation_detail"),
    path("organisations/<int:pk>/edit/", network.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/units/new/", network.unit_create, name="unit_create"),
    path("organisations/<int:pk>/invite/", accounts.organisation_invite,
         name="organisation_invite"),
    path("organisations/<int:pk>/commitment/", network.commitment_acknowledge,
         name="commitment_acknowledge"),
    path("units/<int:pk>/edit/", network.unit_edit, name="unit_edit"),
    path("reviews/<int:pk>/done/", network.review_done, name="review_done"),
    path("invitations/", accounts.invitation_list, name="invitation_list"),
    path("invitations/<int:pk>/resend/", accounts.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", accounts.invitation_revoke, name="invitation_revoke"),
    path("invite/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
    path("users/", accounts.user_list, name="user_list"),
    path("users/<int:pk>/active/", accounts.user_set_active, name="user_set_active"),
    path("seller-links/", network.seller_link_list, name="seller_link_list"),
    path("seller-links/ask/", network.seller_link_request, name="seller_link_request"),
    path("seller-links/<int:pk>/decide/", network.seller_link_decide,
         name="seller_link_decide"),
    path("commitments/", network.commitment_list, name="commitment_list"),
    path("operating-model/", network.operating_model, name="operating_model"),
    path("audit/", audit.audit_list, name="audit_list"),
]
