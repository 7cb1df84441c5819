from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "kaikukanta.lib"
    label = "kaikulib"
    verbose_name = "Kaikukanta common"

    def ready(self):
        from django.core.signals import request_finished, request_started

        from kaikukanta.lib import readahead

        # what a request read ahead of the shared cache is its own (lib/readahead.py)
        request_started.connect(readahead.finish, dispatch_uid="kaikukanta.readahead.start")
        request_finished.connect(readahead.finish, dispatch_uid="kaikukanta.readahead.end")
