"""The tasks each role sees in the navigation and on its home page.

Apps register their entries in `AppConfig.ready()` with `register_nav`, so the page frame
never needs to know every app, and the rule for who sees an entry is the scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language

from kaikukanta.lib.scope import Scope


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    description: str | Promise
    visible: Callable[[Scope], bool]
    order: int = 100


_ITEMS: dict[str, NavItem] = {}


def register_nav(item: NavItem) -> None:
    _ITEMS[item.key] = item
    _MENUS.clear()


# Each scope's menu, made once per process (and URL configuration and language): every
# signed-in page shows it, and choosing its entries and their addresses took longer than
# the rest of the frame. An entry's `visible` is a function of the scope alone, and a
# scope is a frozen value (a changed membership makes another scope), so the menu made
# for an equal scope is the same menu.
_MENUS: dict[tuple, tuple[dict, ...]] = {}
_MENUS_MOST = 5_000  # scopes × languages, then they are all forgotten


def navigation_for(scope: Scope) -> list[dict]:
    """The entries this scope sees, in menu order (none for an anonymous visitor)."""
    if scope.user_id is None:
        return []
    key = (scope, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), get_language())
    menu = _MENUS.get(key)
    if menu is None:
        if len(_MENUS) >= _MENUS_MOST:
            _MENUS.clear()
        menu = _MENUS[key] = tuple(_menu(scope))
    return [dict(entry) for entry in menu]  # the caller's own copies


def _menu(scope: Scope) -> list[dict]:
    out = []
    for item in sorted(_ITEMS.values(), key=lambda i: (i.order, i.key)):
        if not item.visible(scope):
            continue
        url = _url(item.url_name)
        if url is None:
            continue
        out.append(
            {"key": item.key, "label": item.label, "url": url, "description": item.description}
        )
    return out


# The menu's addresses, reversed once per process (and URL configuration and language):
# every signed-in page shows the menu.
_URLS: dict[tuple, str | None] = {}


def _url(name: str) -> str | None:
    key = (name, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), get_language())
    if key not in _URLS:
        try:
            _URLS[key] = reverse(name)
        except NoReverseMatch:
            _URLS[key] = None
    return _URLS[key]


# Notices on the home page: apps register a function of the scope that returns the
# notices it has for that person now, each {"text": ..., "url": ...}.
_NOTICES: dict[str, Callable[[Scope], list[dict]]] = {}


def register_notice(key: str, notices: Callable[[Scope], list[dict]]) -> None:
    _NOTICES[key] = notices


def notices_for(scope: Scope) -> list[dict]:
    """The home page's notices for this scope (none for an anonymous visitor)."""
    if scope.user_id is None:
        return []
    return [n for _key, fn in sorted(_NOTICES.items()) for n in fn(scope)]


# Predicates for the roles, for use by every app's registrations.
def is_national(s: Scope) -> bool:
    return s.is_national


def is_coordinator(s: Scope) -> bool:
    return s.is_national or bool(s.coordinator_area_ids)


def is_welfare_coordinator(s: Scope) -> bool:
    return s.is_national or bool(s.welfare_area_ids)


def is_culture_coordinator(s: Scope) -> bool:
    return s.is_national or bool(s.culture_area_ids)


def is_distributor(s: Scope) -> bool:
    return bool(s.distributor_unit_ids)


def is_venue(s: Scope) -> bool:
    return bool(s.venue_org_ids or s.venue_site_ids)


def is_seller(s: Scope) -> bool:
    return bool(s.seller_org_ids)


def records_uses(s: Scope) -> bool:
    return is_venue(s) or is_seller(s)
