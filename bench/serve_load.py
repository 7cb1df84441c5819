"""Load the production server and watch PostgreSQL's connections.

    createdb -h 127.0.0.1 -U postgres kk_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_load .venv/bin/python -m bench.serve_load

Migrates the database and loads the demo (once), starts gunicorn with
`deploy/gunicorn.conf.py` and production settings on a free loopback port, signs the demo
distributor in, then runs `--clients` concurrent clients (default 200) for `--seconds`
(default 60) against it: each in turn asks for `/healthz` (database and cache), the
sign-in page, a hashed static file and the signed-in card list. Once a second it counts
the server's connections in `pg_stat_activity`. It prints requests, answers by status,
latency percentiles and the highest connection count, then stops the server.

Only 127.0.0.1 is ever contacted; the run is bounded by --seconds (at most 300) and
--clients (at most 500).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import collections
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
DEMO_USER = "jakaja.espoo@demo.kaikukanta.fi"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


async def _request(port: int, method: str, path: str, *, cookie: str = "",
                   body: bytes = b"", headers: dict | None = None) -> tuple[int, dict, bytes]:
    reader, writer = await asyncio.open_connection(HOST, port)
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "X-Forwarded-Proto: https",
             "Connection: close"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    if body:
        lines.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, content = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    out: dict[str, list[str]] = collections.defaultdict(list)
    for line in header_lines:
        k, _, v = line.partition(":")
        out[k.strip().lower()].append(v.strip())
    return int(status_line.split()[1]), out, content


def _cookies(headers: dict) -> dict[str, str]:
    return dict(c.split(";", 1)[0].split("=", 1) for c in headers.get("set-cookie", []))


async def _sign_in(port: int, password: str) -> str:
    status, headers, page = await _request(port, "GET", "/accounts/login/")
    jar = _cookies(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": DEMO_USER,
                                   "password": password}).encode()
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    status, headers, _ = await _request(
        port, "POST", "/accounts/login/", cookie=cookie, body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Referer": "https://127.0.0.1/accounts/login/", "Origin": "https://127.0.0.1"})
    jar.update(_cookies(headers))
    if status != 302 or "sessionid" not in jar:
        sys.exit(f"signing in failed ({status})")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def _connections(dbname: str) -> int:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> "
            "pg_backend_pid()", [dbname]).fetchone()[0]


async def _load(port: int, clients: int, seconds: float, paths: list[tuple[str, str]],
                dbname: str) -> dict:
    statuses: collections.Counter = collections.Counter()
    latencies: list[float] = []
    errors: collections.Counter = collections.Counter()
    peak = {"connections": 0, "samples": []}
    deadline = time.monotonic() + seconds

    async def client(n: int) -> None:
        i = n
        while time.monotonic() < deadline:
            path, cookie = paths[i % len(paths)]
            i += 1
            started = time.monotonic()
            try:
                status, _, _ = await asyncio.wait_for(
                    _request(port, "GET", path, cookie=cookie), timeout=60)
            except (TimeoutError, OSError) as exc:
                errors[type(exc).__name__] += 1
                continue
            latencies.append(time.monotonic() - started)
            statuses[status] += 1

    async def watch() -> None:
        while time.monotonic() < deadline:
            n = await asyncio.to_thread(_connections, dbname)
            peak["samples"].append(n)
            peak["connections"] = max(peak["connections"], n)
            await asyncio.sleep(1)

    await asyncio.gather(watch(), *(client(n) for n in range(clients)))
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return {"requests": sum(statuses.values()), "statuses": dict(statuses),
            "errors": dict(errors), "p50_ms": round(q[49] * 1000), "p95_ms": round(q[94] * 1000),
            "max_ms": round(latencies[-1] * 1000) if latencies else 0,
            "peak_connections": peak["connections"],
            "connections_samples": peak["samples"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=None, help="WEB_CONCURRENCY")
    args = parser.parse_args()
    clients = max(1, min(args.clients, 500))
    seconds = max(1.0, min(args.seconds, 300.0))
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is migrated and filled).")
    dbname = urllib.parse.urlparse(url).path.lstrip("/")
    var_dir = ROOT / "bench" / "out" / "serve_load"
    var_dir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"KAIKUKANTA_TESTING", "KAIKUKANTA_DEMO", "DEBUG"}}
    env.update(SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1",
               KAIKUKANTA_CARD_SIGNING_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
               KAIKUKANTA_VAR_DIR=str(var_dir), BIND=f"{HOST}:{port}",
               PYTHONPATH=str(ROOT / "src"), GUNICORN_ACCESS_LOG=str(var_dir / "access.log"))
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    python = sys.executable
    manage = [python, str(ROOT / "manage.py")]
    for step in (["compiletranslations"], ["collectstatic", "--noinput", "-v", "0"],
                 ["migrate", "--noinput", "-v", "0"]):
        subprocess.run([*manage, *step], env=env, cwd=ROOT, check=True)  # noqa: S603
    demo = subprocess.run([*manage, "load_demo"], env={**env, "KAIKUKANTA_DEMO": "1"},  # noqa: S603
                          cwd=ROOT, check=True, capture_output=True, text=True)
    password = re.search(r"password for all: (\S+?)\)", demo.stdout).group(1)
    manifest = json.loads((var_dir / "static" / "staticfiles.json").read_text())
    static = "/static/" + manifest["paths"]["kaikukanta/site.css"]
    gunicorn = Path(python).parent / "gunicorn"
    server = subprocess.Popen(  # noqa: S603
        [str(gunicorn), "--config", "deploy/gunicorn.conf.py", "kaikukanta.wsgi"],
        cwd=ROOT, env=env, stdout=(var_dir / "server.log").open("w"), stderr=subprocess.STDOUT)
    try:
        for _ in range(120):
            try:
                status, _, _ = asyncio.run(_request(port, "GET", "/healthz"))
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            sys.exit("the server did not start; see bench/out/serve_load/server.log")
        cookie = asyncio.run(_sign_in(port, password))
        paths = [("/healthz", ""), ("/accounts/login/", ""), (static, ""),
                 ("/cards/", cookie)]
        before = _connections(dbname)
        result = asyncio.run(_load(port, clients, seconds, paths, dbname))
        workers = env.get("WEB_CONCURRENCY") or "default (2 x cores + 1, at most 9)"
        print(f"{clients} clients for {seconds:.0f} s, workers: {workers}, "
              f"cores: {os.cpu_count()}")
        print(f"requests: {result['requests']} ({result['requests'] / seconds:.0f}/s), "
              f"statuses: {result['statuses']}, client errors: {result['errors']}")
        print(f"latency p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
              f"max {result['max_ms']} ms")
        print(f"PostgreSQL connections to {dbname}: {before} before, "
              f"peak {result['peak_connections']} during the load")
        if any(status >= 500 for status in result["statuses"]):
            sys.exit("server errors (5xx) were answered")
    finally:
        server.terminate()  # graceful: workers finish the requests in hand
        try:
            server.wait(timeout=120)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
