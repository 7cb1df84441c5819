"""Production settings: refuse to start half-configured, pass `check --deploy`, and serve
with gunicorn (health check, hashed static files with long cache, the sign-in page)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.ops.production import BIN, ROOT, free_port, manage, production_env


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL",
                                     "KAIKUKANTA_CARD_SIGNING_KEY"])
def test_production_refuses_to_start_without_a_required_variable(tmp_path, missing):
    env = production_env(tmp_path)
    env.pop(missing)
    result = manage(env, "check", check=False)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr.splitlines()[-1]


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING",
                    check=False)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_loading_the_wsgi_application_imports_the_views(tmp_path):
    """gunicorn's master loads the app (`preload_app`); the URLconf and every view must be
    imported then, not by each worker's first request (2-3 s a worker's life)."""
    script = ("import sys, kaikukanta.wsgi; "
              "print(all(m in sys.modules for m in ('kaikukanta.urls', 'kaikukanta.api.urls',"
              " 'kaikukanta.stats.views', 'kaikukanta.usage.views')))")
    result = subprocess.run([sys.executable, "-c", script],  # noqa: S603
                            env=production_env(tmp_path), cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_check_deploy_warns_when_https_is_turned_off(tmp_path):
    env = production_env(tmp_path, SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0")
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING", check=False)
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W004" in result.stderr


def _get(url: str, *, https: bool = True) -> tuple[int, dict[str, str], bytes]:
    headers = {"Host": "kaikukanta.example.fi"}
    if https:
        headers["X-Forwarded-Proto"] = "https"
    request = urllib.request.Request(url, headers=headers)  # noqa: S310

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """gunicorn with deploy/gunicorn.conf.py on a free port, as `make serve` starts it."""
    var_dir = tmp_path_factory.mktemp("production")
    port = free_port()
    env = production_env(
        var_dir, BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2",
        # the replica pointing at the primary: the health check asks both
        DATABASE_REPLICA_URL=f"sqlite:///{var_dir / 'db.sqlite3'}",
    )
    manage(env, "compiletranslations")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manage(env, "migrate", "--noinput", "-v", "0")
    log = (var_dir / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "kaikukanta.wsgi"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = _get(f"{base}/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((var_dir / "gunicorn.log").read_text())
            time.sleep(0.3)
        yield {"base": base, "static_root": var_dir / "static", "log": var_dir / "gunicorn.log"}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    assert server.returncode == 0


def test_health_check_answers_with_database_and_cache(production_server):
    status, headers, body = _get(f"{production_server['base']}/healthz")
    assert status == 200
    answer = json.loads(body)
    assert answer == {"status": "ok", "checks": {"database:default": "ok",
                                                 "database:replica": "ok", "cache": "ok"}}
    assert "no-cache" in headers["Cache-Control"]


def test_health_check_answers_plain_http_for_the_load_balancer(production_server):
    status, _, _ = _get(f"{production_server['base']}/healthz", https=False)
    assert status == 200


def test_plain_http_pages_redirect_to_https_with_hsts_on_https(production_server):
    status, headers, _ = _get(f"{production_server['base']}/accounts/login/", https=False)
    assert status == 301
    assert headers["Location"] == "https://kaikukanta.example.fi/accounts/login/"
    status, headers, _ = _get(f"{production_server['base']}/accounts/login/")
    assert status == 200
    assert headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload")


def test_sign_in_page_links_hashed_static_files_served_with_a_long_cache(production_server):
    status, headers, body = _get(f"{production_server['base']}/accounts/login/")
    assert status == 200
    page = body.decode()
    assert 'type="password"' in page
    manifest = json.loads((production_server["static_root"] / "staticfiles.json").read_text())
    css = [hashed for name, hashed in manifest["paths"].items() if name.endswith(".css")]
    linked = [name for name in css if f"/static/{name}" in page]
    assert linked, "the sign-in page links no hashed stylesheet"
    status, headers, body = _get(f"{production_server['base']}/static/{linked[0]}")
    assert status == 200
    assert headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert body
    # compressed copies are written and served to a client that accepts them
    assert (production_server["static_root"] / f"{linked[0]}.gz").exists()


def test_unhashed_static_names_are_not_cached_for_long(production_server):
    status, headers, _ = _get(f"{production_server['base']}/static/kaikukanta/site.css")
    if status == 404:
        pytest.fail("the test expects the main stylesheet at /static/kaikukanta/site.css")
    assert "immutable" not in headers.get("Cache-Control", "")


def test_access_log_has_requests_without_query_strings(production_server):
    _get(f"{production_server['base']}/accounts/login/?next=/cards/SECRET/")
    time.sleep(0.3)
    log = production_server["log"].read_text()
    assert '"GET /accounts/login/ HTTP/1.1" 200' in log
    assert "SECRET" not in log
