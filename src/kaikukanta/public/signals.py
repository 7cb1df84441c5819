"""Any change to what the public sees bumps one version number; the open-data answers
are cached under it, so a change shows at once and nothing stale is served."""

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "public:data-version"


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, None)
    return version


def bump(**_kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def _connect() -> None:
    from kaikukanta.geo.models import Municipality
    from kaikukanta.network.models import Area, Organisation, Unit
    from kaikukanta.public.models import AreaPage, OfferListing, UnitListing
    from kaikukanta.usage.models import Offer

    for model in (Municipality, Area, Organisation, Unit, Offer, AreaPage, OfferListing,
                  UnitListing):
        post_save.connect(bump, sender=model, dispatch_uid=f"public-bump-save-{model}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"public-bump-del-{model}")
    m2m_changed.connect(bump, sender=Area.municipalities.through,
                        dispatch_uid="public-bump-area-munis")


_connect()
