"""The two ways a `Scope` (`kaikukanta.lib.scope`) is built: from a person's memberships
or from an API key's organisation. Nothing else builds one, so "what does this actor
see?" is answered here only; `ScopeMiddleware` puts the answer on `request.scope`.
"""

from __future__ import annotations

from kaikukanta.lib import versioned_cache
from kaikukanta.lib.roles import OrganisationKind, Role
from kaikukanta.lib.scope import EMPTY, Scope
from kaikukanta.network.models import Organisation, SellerLink, Unit


def _seller_venues(seller_ids: set[int]) -> tuple[frozenset[int], frozenset[int]]:
    """(venues that approved these sellers, those of them where an active seller may
    record): one query, only for ticket sellers."""
    if not seller_ids:
        return frozenset(), frozenset()
    rows = list(SellerLink.objects.approved().filter(seller__in=seller_ids)
                .values_list("venue_id", "seller__is_active"))
    return (frozenset(v for v, _ in rows), frozenset(v for v, active in rows if active))


def scope_for_user(user) -> Scope:
    """A person's scope, read fresh (requests keep theirs as `request.scope`); inactive
    and anonymous users see nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY
    sets: dict[str, set[int]] = {
        k: set() for k in ("culture", "welfare", "dunit", "dorg", "vorg", "vsite", "vsiteorg",
                           "seller", "staffarea")
    }
    is_national = False
    for m in user.memberships.select_related("organisation").all():
        if m.role == Role.NATIONAL_ADMIN:
            is_national = True
        elif m.role == Role.CULTURE_COORDINATOR:
            sets["culture"].add(m.area_id)
        elif m.role == Role.WELFARE_COORDINATOR:
            sets["welfare"].add(m.area_id)
        elif m.role == Role.DISTRIBUTOR_STAFF:
            sets["dunit"].add(m.unit_id)
            sets["dorg"].add(m.organisation_id)
        elif m.role == Role.VENUE_STAFF:
            if m.unit_id:
                sets["vsite"].add(m.unit_id)
                sets["vsiteorg"].add(m.organisation_id)
            else:
                sets["vorg"].add(m.organisation_id)
        elif m.role == Role.SELLER_STAFF:
            sets["seller"].add(m.organisation_id)
        if m.organisation_id:
            sets["staffarea"].add(m.organisation.home_area_id)
    seller_venues, selling_venues = _seller_venues(sets["seller"])
    return Scope(
        user_id=user.pk,
        label=user.email,
        is_national=is_national,
        culture_area_ids=frozenset(sets["culture"]),
        welfare_area_ids=frozenset(sets["welfare"]),
        distributor_unit_ids=frozenset(sets["dunit"]),
        distributor_org_ids=frozenset(sets["dorg"]),
        venue_org_ids=frozenset(sets["vorg"]),
        venue_site_ids=frozenset(sets["vsite"]),
        venue_site_org_ids=frozenset(sets["vsiteorg"]),
        seller_org_ids=frozenset(sets["seller"]),
        seller_venue_ids=seller_venues,
        selling_venue_ids=selling_venues,
        staff_area_ids=frozenset(sets["staffarea"]),
    )


def scope_for_organisation(org: Organisation, *, label: str = "") -> Scope:
    """What an organisation's API key may see and do, as the organisation's whole staff
    would: a venue its sites; a ticket seller the venues that approved it; a distributor
    its active units. An inactive organisation sees nothing."""
    if org is None or not org.is_active:
        return Scope(label=label)
    common = {"label": label, "staff_area_ids": frozenset({org.home_area_id})}
    if org.kind == OrganisationKind.VENUE:
        return Scope(venue_org_ids=frozenset({org.pk}), **common)
    if org.kind == OrganisationKind.TICKET_SELLER:
        venues, selling = _seller_venues({org.pk})
        return Scope(seller_org_ids=frozenset({org.pk}), seller_venue_ids=venues,
                     selling_venue_ids=selling, **common)
    units = frozenset(Unit.objects.filter(organisation=org, is_active=True)
                      .values_list("pk", flat=True))
    return Scope(distributor_org_ids=frozenset({org.pk}), distributor_unit_ids=units, **common)


# --- the person's cache ----------------------------------------------------------------
#
# Every request of a signed-in person needs their user row, their scope and (at the desk)
# the sites where they record. These rarely change, so with a shared cache (Redis; the
# setting PERSON_CACHE) they are kept in one entry per person, read with one round trip
# per request instead of three or four SQL statements (`lib.versioned_cache`). The entry
# holds under two versions: the person's own (bumped when their user row or memberships
# change) and the registry's (bumped when any organisation, site or seller link changes),
# so the very next request of anyone affected reads the database again: a deactivated
# person is signed out, a removed membership is gone. The receivers are in accounts/apps.py.

_GEN_KEY = versioned_cache.REGISTRY


def _ver_key(user_id: int) -> str:
    return f"person:ver:{user_id}"


def _entry_key(user_id: int) -> str:
    return f"person:entry:{user_id}"


def person_changed(user_id: int | None) -> None:
    """The person's user row or memberships changed: their next request reads afresh."""
    if user_id is not None:
        versioned_cache.bump(_ver_key(user_id))


def registry_changed() -> None:
    """An organisation, site or seller link changed: everyone's next request reads
    afresh (these change seldom)."""
    versioned_cache.bump(_GEN_KEY)


class PersonEntry:
    """A person's cache entry as this request read it (attached as `_person` to the user
    that `load_user` returned); `get`/`put` keep values derived from the user."""

    def __init__(self, user_id: int, stamps: tuple, data: dict):
        self.user_id, self.stamps, self.data = user_id, stamps, data

    def get(self, name: str):
        return self.data.get(name)

    def put(self, name: str, value) -> None:
        self.data[name] = value
        versioned_cache.write(_entry_key(self.user_id), dict(self.data), self.stamps)


def _user_fields(model) -> list[str]:
    """The user row's columns the cache keeps: all but the password hash (a cached user
    loads it from the database when something asks for it)."""
    return [f.attname for f in model._meta.concrete_fields if f.attname != "password"]


def load_user(user_id, fetch):
    """The user row for the session's user id, from the person's cache entry when it is
    current, else `fetch(user_id)` (the database; may raise DoesNotExist). The returned
    user carries the entry as `_person` for the rest of the request."""
    if not versioned_cache.enabled():
        return fetch(user_id)
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return fetch(user_id)
    found = versioned_cache.read([_GEN_KEY, _ver_key(user_id), _entry_key(user_id)])
    if found is None:
        return fetch(user_id)
    stamps = (versioned_cache.version(found, _GEN_KEY),
              versioned_cache.version(found, _ver_key(user_id)))
    data = versioned_cache.current(found.get(_entry_key(user_id)), stamps)
    if data is not None:
        from django.contrib.auth import get_user_model

        model = get_user_model()
        user = model.from_db("default", _user_fields(model), data["user"])
        user._session_auth_hash = data["auth_hash"]
        user._person = PersonEntry(user_id, stamps, dict(data))
        return user
    user = fetch(user_id)
    user._person = PersonEntry(user_id, stamps, {})
    user._person.data["auth_hash"] = user.get_session_auth_hash()
    user._person.put("user", tuple(getattr(user, f) for f in _user_fields(type(user))))
    return user


def person_entry(user) -> PersonEntry | None:
    """The cache entry the request's user came with (None: not from `load_user`)."""
    return getattr(user, "_person", None) if user is not None else None


def scope_for_request_user(user) -> Scope:
    """`scope_for_user`, kept in the person's cache entry when the user came from it; the
    scope is still decided by `scope_for_user` only."""
    return person_cached(user, "scope", lambda: scope_for_user(user))


def person_cached(user, name: str, compute):
    """A value derived from the person's user row and scope (their scope, the desk's
    sites), kept in their cache entry and so dropped with it on any change."""
    person = person_entry(user)
    if person is None or not getattr(user, "is_active", False):
        return compute()
    value = person.get(name)
    if value is None:
        value = compute()
        person.put(name, value)
    return value
