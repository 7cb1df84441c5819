"""The development server, without the Python version in its `Server` header.

Django's development server answers `Server: WSGIServer/0.2 CPython/3.x.y`, telling an
attacker the exact Python version. The same server says only "Kaikukanta" here. (In
production gunicorn answers `Server: gunicorn`, without versions; see docs/deploy.md.)
"""

from django.contrib.staticfiles.management.commands.runserver import Command as StaticCommand
from django.core.servers import basehttp

SERVER_NAME = "Kaikukanta"


def hide_versions() -> None:
    """The development server's handlers name no software versions."""
    basehttp.ServerHandler.server_software = SERVER_NAME
    basehttp.WSGIRequestHandler.server_version = SERVER_NAME
    basehttp.WSGIRequestHandler.sys_version = ""


class Command(StaticCommand):
    def inner_run(self, *args, **options):
        hide_versions()
        return super().inner_run(*args, **options)
