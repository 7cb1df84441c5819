from django.contrib import admin
from django.urls import include, path

from kaikukanta.accounts import views as account_views

urlpatterns = [
    path("", account_views.root, name="root"),
    path("accounts/", include("kaikukanta.accounts.urls")),
    path("network/", include("kaikukanta.network.urls")),
    path("cards/", include("kaikukanta.cards.urls")),
    path("venue/", include("kaikukanta.usage.urls")),
    path("coordination/", include("kaikukanta.coordination.urls")),
    path("stats/", include("kaikukanta.stats.urls")),
    path("api/v1/", include("kaikukanta.api.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Kaikukanta"
admin.site.site_title = "Kaikukanta"
