"""gunicorn configuration for Kaikukanta (`make serve`, the container).

Every value can be changed from the environment; docs/deploy.md lists them. Sync workers
serve one request at a time each, so an app server never holds more PostgreSQL
connections than it has workers (plus one for the task worker): the pool is the worker
count. Slow clients are the TLS proxy's job (it buffers), not the workers'.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


# Workers from the CPU count (2 × cores + 1), capped so that a large machine cannot
# exhaust PostgreSQL's connections by itself; WEB_CONCURRENCY sets the figure exactly.
workers = _int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 9))
worker_class = "sync"
bind = os.environ.get("BIND", "127.0.0.1:8000")
# A request that runs longer than this is killed (its worker restarts): slow work belongs
# to the task worker, not the request.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Requests waiting for a free worker; past this the kernel refuses new connections.
backlog = _int("GUNICORN_BACKLOG", 2048)
# Recycle workers now and then so that a slow leak cannot grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Load the app once in the master: a bad setting stops the start with one clear error.
preload_app = True

# Access log to standard output (the service manager or container keeps it). No query
# strings: the path, status, size, time in microseconds and the proxy's client address.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(D)sus'
# Trust X-Forwarded-* only from the TLS proxy's address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "kaikukanta"
