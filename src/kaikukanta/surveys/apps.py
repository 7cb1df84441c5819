from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "kaikukanta.surveys"
    verbose_name = _("Local surveys")

    def ready(self) -> None:
        from kaikukanta.lib.navigation import (
            NavItem,
            is_coordinator,
            register_nav,
            register_notice,
        )

        register_nav(NavItem(
            key="surveys", label=_("Local surveys"), url_name="surveys:list",
            description=_("Ask your area's distributors and venues, see the results and "
                          "print the feedback meeting pack."),
            visible=is_coordinator, order=57))
        # Staff have no menu entry (every page's menu stays small, the desk's above all):
        # the surveys waiting for them are notices on their home page.
        register_notice("surveys", _open_survey_notices)


def _open_survey_notices(scope) -> list[dict]:
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext

    from kaikukanta.surveys.selectors import open_for

    if not scope.staff_org_ids:
        return []
    return [{"text": gettext("Survey waiting for your answer: %(title)s (open through %(day)s)")
             % {"title": s.title, "day": f"{s.closes_on:%-d.%-m.%Y}"},
             "url": reverse("surveys:answer", args=[s.pk])}
            for s in open_for(scope, timezone.localdate())]
