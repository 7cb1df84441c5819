"""Django's PostgreSQL backend with a cheaper connection health check.

With `CONN_HEALTH_CHECKS`, Django sends `SELECT 1` before the first query of every request
that reuses a connection: one more round trip on each desk or API request. Here a
connection that finished a request without a database error less than
`RECENTLY_USED_SECONDS` ago is taken as healthy without asking; one idle for longer is
checked as before. A connection that the server dropped within that window fails its
request with a database error (answered 503 with Retry-After by
`lib.unavailable.DatabaseUnavailableMiddleware`, as a failure during a request is), and
Django closes it at that request's end, so the next request connects anew.

It also lets psycopg keep the parse of longer statements: psycopg remembers where a
statement's `%s` placeholders are (for its last 128 statements) only for statements of
at most 4,096 characters and 50 values, and the statistics rollup that every recorded use
runs (`stats.services.rollup_add`, one statement of about 5,800 characters with 102
values) was split anew by a regular expression on every record (about 0.3 ms of a desk
pair's worker CPU).
"""

import time

from django.db.backends.postgresql import base
from psycopg import _queries

RECENTLY_USED_SECONDS = 2.0

# psycopg's own limit, raised (a private setting: left alone if a release drops it); the
# cache stays 128 statements, so at most about 2 MB
PARSE_CACHED_STATEMENT_LENGTH = 16_384
PARSE_CACHED_STATEMENT_PARAMS = 256  # psycopg's own: 50; both limits must hold
if getattr(_queries, "MAX_CACHED_STATEMENT_LENGTH", PARSE_CACHED_STATEMENT_LENGTH) < (
    PARSE_CACHED_STATEMENT_LENGTH
):
    _queries.MAX_CACHED_STATEMENT_LENGTH = PARSE_CACHED_STATEMENT_LENGTH
if getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", PARSE_CACHED_STATEMENT_PARAMS) < (
    PARSE_CACHED_STATEMENT_PARAMS
):
    _queries.MAX_CACHED_STATEMENT_PARAMS = PARSE_CACHED_STATEMENT_PARAMS


class DatabaseWrapper(base.DatabaseWrapper):
    _used_at: float | None = None

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and self._used_at is not None
            and time.monotonic() - self._used_at < RECENTLY_USED_SECONDS
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close_if_unusable_or_obsolete(self):
        # Called as a request starts and as it ends. At the end of one that used the
        # connection (the health check was passed, or the connection was made, in it)
        # without an error that puts the connection in doubt, the connection has just
        # answered.
        if self.connection is not None and self.health_check_done and not self.errors_occurred:
            self._used_at = time.monotonic()
        super().close_if_unusable_or_obsolete()

    def close(self):
        self._used_at = None
        super().close()
