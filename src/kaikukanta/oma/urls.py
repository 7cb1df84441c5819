from django.urls import path

from kaikukanta.accounts.middleware import second_factor_exempt_urls
from kaikukanta.oma import meters, passkeys, staff_views, views

app_name = "oma"

# The holder's pages use their own session, never the staff sign-in: a staff session still
# waiting for its second factor does not send them to the second-factor page.
urlpatterns = second_factor_exempt_urls([
    path("", views.sign_in, name="sign_in"),
    path("activate/", views.activate, name="activate"),
    path("activate/choose/", views.choose, name="choose"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("link/", views.email_link, name="email_link"),
    path("link/<str:token>/", views.email_link_use, name="email_link_use"),
    path("card/", views.home, name="home"),
    path("uses/", views.uses, name="uses"),
    path("uses/<int:use_id>/how-was-it/", meters.mood, name="mood"),
    path("wellbeing/", meters.wellbeing, name="wellbeing"),
    path("offers/", views.offers, name="offers"),
    path("data/", views.my_data, name="my_data"),
    path("data/omakaiku.json", views.data_json, name="data_json"),
    path("data/omakaiku.pdf", views.data_pdf, name="data_pdf"),
    path("data/email/", views.email_change, name="email_change"),
    path("data/password/", views.password_change, name="password_change"),
    path("close/", views.close, name="close"),
    path("reminders/off/<str:token>/", views.reminders_off, name="reminders_off"),
    path("show/", views.show_card, name="show"),
    path("show/token/", views.show_card_token, name="show_token"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("passkey/register/options/", passkeys.register_options, name="passkey_register_options"),
    path("passkey/register/", passkeys.register_verify, name="passkey_register"),
    path("passkey/sign-in/options/", passkeys.sign_in_options, name="passkey_sign_in_options"),
    path("passkey/sign-in/", passkeys.sign_in_verify, name="passkey_sign_in"),
]) + [
    # distributor staff start and cancel OmaKaiku for a holder: staff pages, not exempt
    path("staff/<str:number>/start/", staff_views.start, name="staff_start"),
    path("staff/<str:number>/cancel/", staff_views.cancel, name="staff_cancel"),
]
