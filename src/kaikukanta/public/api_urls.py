from django.urls import path

from kaikukanta.accounts.middleware import second_factor_exempt_urls
from kaikukanta.public.api import api

# Open data without sign-in: a staff session waiting for its second factor does not matter.
_patterns, _app, _namespace = api.urls
urlpatterns = [path("", (second_factor_exempt_urls(_patterns), _app, _namespace))]
