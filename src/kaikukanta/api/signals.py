"""Forgetting cached API keys (`services.api_key_for_secret`) when what is cached with
them changes: the key itself (revoked), its organisation (deactivated, its kind or area
changed) or that area. Connected in `ApiConfig.ready` for saves and deletes."""

from __future__ import annotations

from kaikukanta.api.models import ApiKey
from kaikukanta.api.services import forget_keys, key_cache_seconds
from kaikukanta.network.models import Area, Organisation


def key_changed(sender, instance, created=False, **kwargs) -> None:
    if not created:  # a new key was never cached
        forget_keys([instance.prefix])


def organisation_changed(sender, instance, **kwargs) -> None:
    if key_cache_seconds():
        forget_keys(ApiKey.objects.filter(organisation_id=instance.pk)
                    .values_list("prefix", flat=True))


def area_changed(sender, instance, **kwargs) -> None:
    if key_cache_seconds():
        forget_keys(ApiKey.objects.filter(organisation__home_area_id=instance.pk)
                    .values_list("prefix", flat=True))


HANDLERS = [(ApiKey, key_changed), (Organisation, organisation_changed),
            (Area, area_changed)]
