"""Forgetting cached API keys (`services.api_key_for_secret`) when the key itself changes
(revoked, saved). Its organisation and area are cached under the registry's version too,
which every organisation, site, seller link or area save bumps for people and keys alike
(`lib.versioned_cache`, receivers in accounts/apps.py). Connected in `ApiConfig.ready`."""

from __future__ import annotations

from kaikukanta.api.models import ApiKey
from kaikukanta.api.services import forget_keys


def key_changed(sender, instance, created=False, **kwargs) -> None:
    if not created:  # a new key was never cached
        forget_keys([instance.prefix])


HANDLERS = [(ApiKey, key_changed)]
