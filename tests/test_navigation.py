"""The menu of each scope is made once per process and language (lib/navigation.py): the
same entries as making it anew, a changed role gets its own menu, and a caller's changes
to the entries it got reach no other page."""

from __future__ import annotations

from django.utils import translation

from kaikukanta.accounts.models import Membership
from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.lib import navigation
from kaikukanta.lib.roles import Role


def _fresh(scope):
    return navigation._menu(scope)


def test_kept_menu_is_the_menu_made_anew(cast):
    for user in (cast.a.venue, cast.a.distributor, cast.a.culture, cast.national,
                 cast.outsider):
        scope = scope_for_user(user)
        for lang in ("fi", "sv", "en"):
            with translation.override(lang):
                first = navigation.navigation_for(scope)
                again = navigation.navigation_for(scope)
                assert first == again == _fresh(scope)
                assert [str(i["label"]) for i in again] == [str(i["label"]) for i in
                                                            _fresh(scope)]


def test_changed_role_gets_its_own_menu(cast):
    venue_menu = {i["key"] for i in navigation.navigation_for(scope_for_user(cast.a.venue))}
    assert "usage_desk" in venue_menu
    Membership.objects.filter(user=cast.a.venue).update(role=Role.CULTURE_COORDINATOR,
                                                         area=cast.a.area, organisation=None,
                                                         unit=None)
    cast.a.venue.refresh_from_db()
    after = navigation.navigation_for(scope_for_user(cast.a.venue))
    assert "usage_desk" not in {i["key"] for i in after}
    assert after == _fresh(scope_for_user(cast.a.venue))


def test_callers_copies_are_their_own(cast):
    scope = scope_for_user(cast.a.venue)
    got = navigation.navigation_for(scope)
    got[0]["url"] = "/elsewhere/"
    got.append({"key": "x"})
    assert navigation.navigation_for(scope) == _fresh(scope)


def test_anonymous_has_no_menu():
    from kaikukanta.lib.scope import EMPTY

    assert navigation.navigation_for(EMPTY) == []
