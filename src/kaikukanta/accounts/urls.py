from django.contrib.auth import views as auth_views
from django.urls import path

from kaikukanta.accounts import two_factor, views
from kaikukanta.accounts.middleware import second_factor_exempt

app_name = "accounts"

urlpatterns = [
    path("login/", second_factor_exempt(views.LoginView.as_view()), name="login"),
    path("logout/", second_factor_exempt(auth_views.LogoutView.as_view()), name="logout"),
    path("home/", views.home, name="home"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password/reset/complete/", views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("language/", second_factor_exempt(views.language_set), name="language"),
    path("text-size/", second_factor_exempt(views.text_size_set), name="text_size"),
    # Sign-in security: the second factor and the national admin's locks
    path("security/", two_factor.security_page, name="security"),
    path("security/setup/", two_factor.setup, name="two_factor_setup"),
    path("security/setup/qr.svg", two_factor.setup_qr, name="two_factor_qr"),
    path("security/verify/", two_factor.verify, name="two_factor_verify"),
    path("security/recovery-codes/", two_factor.recovery_codes_new, name="recovery_codes"),
    path("security/remove/", two_factor.remove, name="two_factor_remove"),
    path("locks/", two_factor.lockouts, name="lockouts"),
    path("locks/unlock/", two_factor.unlock, name="unlock"),
    path("locks/second-factor-reset/", two_factor.second_factor_reset,
         name="second_factor_reset"),
]
