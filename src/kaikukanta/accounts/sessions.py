"""The session engine of a server with a shared cache: Django's `cached_db` (the session
row in the database, read through the cache), whose read of the session from the cache
also reads the keys the session's last request read next (`lib.readahead`): the person's
cache entry, the look-up counters, the desk's offers' version. One round trip instead of
one per reader; the same values, read at the start of the request. Sessions, keys and
expiry are `cached_db`'s own, so sessions made by either engine are read by the other."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.core.cache import DEFAULT_CACHE_ALIAS

from kaikukanta.lib import readahead


class SessionStore(cached_db.SessionStore):
    def load(self):
        if settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS:
            return super().load()  # the readers read the default cache
        try:
            data = readahead.start(self.cache_key, self._cache)
        except Exception:  # noqa: BLE001 - as cached_db: the cache down, read the database
            data = None
        return super().load() if data is None else data
