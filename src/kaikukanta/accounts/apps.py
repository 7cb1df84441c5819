from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kaikukanta.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from kaikukanta.lib import navigation as nav

        nav.register_nav(nav.NavItem(
            key="home", label=_("Home"), url_name="accounts:home",
            description=_("Your roles and tasks."), visible=lambda s: True, order=0,
        ))
        nav.register_nav(nav.NavItem(
            key="admin", label=_("Maintenance (admin)"), url_name="admin:index",
            description=_("Technical maintenance of all records."), visible=nav.is_national,
            order=900,
        ))
