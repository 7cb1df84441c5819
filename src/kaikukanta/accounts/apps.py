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
        _connect_person_cache()

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


def _connect_person_cache() -> None:
    """Changes that alter a person's user row, scope or sites drop their cache entries
    (areas too: the sites carry their organisation's home area)
    (`accounts.scope`, "the person's cache"). Saves and deletes send these signals (a
    queryset's delete too); no code updates these tables with `QuerySet.update`."""
    from django.db.models.signals import post_delete, post_save

    from kaikukanta.accounts import scope
    from kaikukanta.accounts.models import Membership, User
    from kaikukanta.network.models import Area, Organisation, SellerLink, Unit

    def person(sender, instance, **kwargs):
        scope.person_changed(instance.pk if sender is User else instance.user_id)

    def registry(sender, instance, **kwargs):
        scope.registry_changed()

    for model, receiver in ((User, person), (Membership, person), (Organisation, registry),
                            (Unit, registry), (SellerLink, registry), (Area, registry)):
        for when, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(receiver, sender=model, weak=False,
                           dispatch_uid=f"kaikukanta_person_cache_{model.__name__}_{when}")
