"""WSGI entry point (e.g. `gunicorn kaikukanta.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaikukanta.settings")
application = get_wsgi_application()
# Import the URLconf, and with it every view, now rather than on the first request: in
# gunicorn's master (`preload_app`) it is done once, and every worker, also one started
# anew after `max_requests`, answers its first request without 2-3 s of imports (a desk's
# look-up or a dashboard waited for them once a worker's life).
get_resolver().url_patterns  # noqa: B018 - the property imports the modules
