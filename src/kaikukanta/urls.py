from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from kaikukanta.accounts import views as account_views
from kaikukanta.accounts.middleware import second_factor_exempt
from kaikukanta.oma import wellknown as oma_wellknown
from kaikukanta.public import views as public_views

urlpatterns = [
    # first: partner systems call it most, and each include tried before it costs a resolve
    path("api/v1/", include("kaikukanta.api.urls")),
    path("", account_views.root, name="root"),
    path("accounts/", include("kaikukanta.accounts.urls")),
    path("network/", include("kaikukanta.network.urls")),
    path("cards/", include("kaikukanta.cards.urls")),
    path("venue/", include("kaikukanta.usage.urls")),
    path("coordination/", include("kaikukanta.coordination.urls")),
    path("stats/", include("kaikukanta.stats.urls")),
    path("wellbeing/", include("kaikukanta.wellbeing.urls")),
    path("oma/", include("kaikukanta.oma.urls")),
    path(".well-known/kaikukanta-card-keys.json", second_factor_exempt(oma_wellknown.card_keys),
         name="card_keys"),
    path("api/public/v1/", include("kaikukanta.public.api_urls")),
    path("public/", include("kaikukanta.public.staff_urls")),
    path("surveys/", include("kaikukanta.surveys.urls")),
    path("sitemap.xml", public_views.sitemap, name="public_sitemap"),
    path("robots.txt", public_views.robots, name="public_robots"),
    path("admin/", admin.site.urls),
]
# The public pages, without sign-in: /fi/, /sv/ and /en/.
urlpatterns += i18n_patterns(path("", include("kaikukanta.public.urls")))

# A database that cannot be reached answers 503 with Retry-After (lib/unavailable.py).
handler500 = "kaikukanta.lib.unavailable.server_error"

admin.site.site_header = "Kaikukanta"
admin.site.site_title = "Kaikukanta"
