from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "kaikukanta.lib"
    label = "kaikulib"
    verbose_name = "Kaikukanta common"
