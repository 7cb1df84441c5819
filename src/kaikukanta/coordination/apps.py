from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "kaikukanta.coordination"
    verbose_name = _("Coordination")

    def ready(self) -> None:
        from kaikukanta.lib import navigation as nav

        items = [
            ("coordination", _("Coordination"), "coordination:dashboard",
             _("Your areas at a glance: organisations, the start checklist and reviews."),
             nav.is_coordinator, 70),
            ("invitations", _("Invitations"), "coordination:invitation_list",
             _("Invite people by email, resend or cancel links."), nav.is_coordinator, 72),
            ("users", _("Users"), "coordination:user_list",
             _("People with access in your area; deactivate accounts."), nav.is_coordinator,
             74),
            ("seller_links", _("Ticket seller links"), "coordination:seller_link_list",
             _("Which ticket sellers may record uses for which venues: ask and approve."),
             lambda s: s.is_national or bool(s.culture_area_ids or s.venue_org_ids
                                             or s.seller_org_ids), 76),
            ("commitments", _("Commitments"), "coordination:commitment_list",
             _("Acknowledge the national operating model and see who has."),
             lambda s: not s.is_anonymous, 78),
            ("operating_model", _("Operating model"), "coordination:operating_model",
             _("Publish a new version of the national operating model."), nav.is_national, 88),
            ("audit", _("Audit log"), "coordination:audit_list",
             _("Who did what, when, in your areas."), nav.is_coordinator, 90),
        ]
        for key, label, url_name, description, visible, order in items:
            nav.register_nav(nav.NavItem(key=key, label=label, url_name=url_name,
                                         description=description, visible=visible, order=order))
