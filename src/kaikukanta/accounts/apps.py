from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kaikukanta.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.utils.translation import gettext_lazy as _

        from kaikukanta.accounts.security import remember_second_factor_at_login
        from kaikukanta.lib import navigation as nav

        user_logged_in.connect(remember_second_factor_at_login,
                               dispatch_uid="kaikukanta_second_factor_at_login")

        nav.register_nav(nav.NavItem(
            key="home", label=_("Home"), url_name="accounts:home",
            description=_("Your roles and tasks."), visible=lambda s: True, order=0,
        ))
        nav.register_nav(nav.NavItem(
            key="signin_locks", label=_("Locked sign-ins"), url_name="accounts:lockouts",
            description=_("Unlock sign-ins locked after failed attempts; reset a lost second "
                          "factor."),
            visible=nav.is_national, order=890,
        ))
        nav.register_nav(nav.NavItem(
            key="admin", label=_("Maintenance (admin)"), url_name="admin:index",
            description=_("Technical maintenance of all records."), visible=nav.is_national,
            order=900,
        ))
