from django.urls import path

from kaikukanta.public.api import api

urlpatterns = [path("", api.urls)]
