"""The partner API's look-up + record pair over HTTP through gunicorn, against pgbench
replaying the same SQL (after `stats_data.py`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_bench .venv/bin/python -m bench.api_load

Makes one write key per client for the benchmark venue (the first area's first venue) and
picks valid cards of the area, each used once. First it records `--capture` pairs in
process (Django's test client, the same views and middleware) and captures every SQL
statement they send, with its values; then it starts gunicorn with `deploy/gunicorn.conf.py`
and production settings (`--workers`, default 4; worker recycling off so that the memory
figure is honest) and runs `--clients` clients (default 8; threads with blocking sockets,
light on the CPU the server shares) for `--seconds` (default 30):
each in turn looks a card up (`GET /api/v1/cards/{number}`) and records a use of it
(`POST /api/v1/uses` with a new Idempotency-Key). Then pgbench runs the captured pairs'
SQL (each pair one transaction, rolled back at its end so it can run again) with as many
clients for as long. It prints pairs per second and latency of the app, pgbench's rate,
their ratio, the statements per pair, the workers' CPU and the clients' own CPU per pair
and the workers' memory (RSS) after the run.

Only 127.0.0.1 is contacted; the run is bounded by --seconds (at most 600).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("API_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def _setup_django() -> None:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaikukanta.settings")
    os.environ.setdefault("KAIKUKANTA_TESTING", "1")
    import django

    django.setup()


def production_environ(redis_url: str, var_dir: str, **extra: str) -> None:
    """This process's environment as a gunicorn worker's with production settings (a new
    secret and signing key each run), for the in-process CPU benchmarks (`api_cpu`,
    `desk_cpu`); then set up Django."""
    for name in ("KAIKUKANTA_TESTING", "KAIKUKANTA_DEMO", "DEBUG"):
        os.environ.pop(name, None)
    os.environ.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        KAIKUKANTA_CARD_SIGNING_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        REDIS_URL=redis_url, DJANGO_SETTINGS_MODULE="kaikukanta.settings",
        KAIKUKANTA_VAR_DIR=str(ROOT / "bench" / "out" / var_dir), **extra)
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    import django

    django.setup()


def prepare(clients: int, cards_needed: int) -> dict:
    """Keys, the offer and card numbers (each card never used today at the offer)."""
    from kaikukanta.api.services import api_key_create
    from kaikukanta.cards.models import Card
    from kaikukanta.lib.scope import SYSTEM
    from kaikukanta.network.models import Area, Organisation
    from kaikukanta.usage.models import Category, Offer, OfferKind

    area = Area.objects.order_by("pk").first()
    venue = Organisation.objects.filter(home_area=area, kind="venue").order_by("pk").first()
    site = venue.units.order_by("pk").first()
    stamp = f"{datetime.datetime.now():%m%d%H%M%S}"
    # a new offer each run: no card has a use of it yet
    offer = Offer.objects.create(venue=venue, site=site, title_fi=f"API bench {stamp}",
                                 category=Category.CULTURE, kind=OfferKind.ADMISSION)
    keys = [api_key_create(scope=SYSTEM, organisation=venue, label=f"bench {stamp} {i}",
                           can_write=True)[1] for i in range(clients)]
    today = datetime.date.today()
    numbers = list(Card.objects.filter(
        status="active", area=area, issued_on__lte=today, valid_until__gte=today,
        inactivated_on__isnull=True, replaced_by__isnull=True,
    ).order_by("?").values_list("number", flat=True)[:cards_needed])
    return {"keys": keys, "offer": offer.pk, "numbers": numbers, "today": today.isoformat()}


def capture(setup: dict, count: int) -> list[list[str]]:
    """Record `count` pairs in process and return each pair's SQL with its values."""
    from django.db import connection
    from django.test import Client, override_settings
    from psycopg import ClientCursor

    captured: list[str] = []

    def keep(execute, sql, params, many, context):
        raw = connection.connection
        with ClientCursor(raw) as cur:
            for one in (params if many else [params]):
                captured.append(cur.mogrify(sql, one) if one is not None else sql)
        return execute(sql, params, many, context)

    client = Client()
    key = setup["keys"][0]
    # As the server runs it: API keys cached (the test settings turn that cache off), and
    # one pair first, not kept, so that the kept ones meet warm caches as a worker in
    # steady state does; pgbench then replays only statements the server sends.
    keys_cached = override_settings(KAIKUKANTA_API_KEY_CACHE_SECONDS=600)
    keys_cached.enable()
    try:
        return _capture_pairs(client, key, setup, count + 1, captured, keep)[1:]
    finally:
        keys_cached.disable()


def _capture_pairs(client, key: str, setup: dict, count: int, captured: list, keep) -> list:
    from django.db import connection, transaction

    pairs = []
    for _ in range(count):
        number = setup["numbers"].pop()
        captured.clear()
        # rolled back, so that the replay can insert the same rows (the outer savepoint
        # this adds is left out of the replay)
        with transaction.atomic(), connection.execute_wrapper(keep):
            looked = client.get(f"/api/v1/cards/{number}",
                                headers={"Authorization": f"Bearer {key}"})
            made = client.post("/api/v1/uses", json.dumps(
                {"card": number, "event_date": setup["today"], "offer": setup["offer"]}),
                content_type="application/json",
                headers={"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex})
            transaction.set_rollback(True)
        # the server's outermost transaction is BEGIN … COMMIT; here it is the first savepoint
        outer = next((sql.split()[-1] for sql in captured if sql.startswith("SAVEPOINT")),
                     None)
        captured[:] = [sql for sql in captured
                       if sql not in (f"SAVEPOINT {outer}", f"RELEASE SAVEPOINT {outer}")]
        if looked.status_code != 200 or made.status_code != 201:
            sys.exit(f"capturing a pair failed: {looked.status_code} {made.status_code} "
                     f"{made.content[:200]!r}")
        pairs.append(list(captured))
    return pairs


def pgbench(pairs: list[list[str]], clients: int, seconds: int) -> float:
    """Transactions (pairs) per second of pgbench replaying the pairs' SQL."""
    url = urllib.parse.urlparse(os.environ["DATABASE_URL"])
    with tempfile.TemporaryDirectory() as tmp:
        args = ["pgbench", "-n", "-c", str(clients), "-j", str(min(clients, 2)), "-T",
                str(seconds), "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432),
                "-U", url.username or "postgres"]
        for i, pair in enumerate(pairs):
            script = Path(tmp) / f"pair{i}.sql"
            body = ["BEGIN;"] + [" ".join(s.split()) + ";" for s in pair] + ["ROLLBACK;"]
            script.write_text("\n".join(body) + "\n")
            args += ["-f", f"{script}@1"]
        args.append(url.path.lstrip("/"))
        out = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603
    found = re.search(r"tps = ([\d.]+)", out.stdout)
    if not found:
        sys.exit(f"pgbench failed: {out.stdout[-500:]} {out.stderr[-1000:]}")
    return float(found.group(1))


def _rss_mb(parent: int) -> list[float]:
    """Resident memory of the server's worker processes, MB."""
    out = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[1]) != parent:
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return sorted(out)


def _cpu_seconds(parent: int) -> float:
    """CPU time (user + system) the server's worker processes have used, seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[1]) == parent:
            total += int(stat[11]) + int(stat[12])
    return total / tick


def http_request(port: int, method: str, path: str, headers: dict[str, str],
                 body: bytes = b"") -> tuple[int, bytes, bytes]:
    """One request on a new connection (the sync workers close it after each answer), with
    a blocking socket: (status, head, body). The API's and the desk's clients share the
    machine's two cores with the server, so they should cost little: 0.44 ms of CPU a pair
    with these threads, where asyncio streams took 1.11 ms (10-second runs at scale 0.02,
    30 Nov 2026)."""
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "X-Forwarded-Proto: https",
            "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
    if body:
        head.append(f"Content-Length: {len(body)}")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as conn:
        conn.connect(("127.0.0.1", port))
        conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    answer_head, _, content = b"".join(chunks).partition(b"\r\n\r\n")
    return int(answer_head[9:12]), answer_head, content


def _http(port: int, method: str, path: str, headers: dict[str, str],
          body: bytes = b"") -> tuple[int, bytes]:
    status, _, content = http_request(port, method, path, headers, body)
    return status, content


def _drive(port: int, setup: dict, clients: int, seconds: float,
           server_pid: int | None = None) -> dict:
    """`clients` threads, each a client looking a card up and recording its use in turn
    until `seconds` have passed; then the latencies, the workers' CPU per pair and the
    clients' own (this process's) CPU per pair."""
    latencies: list[float] = []
    failures: dict = {}
    requests = [0] * clients

    def client(n: int, deadline: float) -> None:
        key = setup["keys"][n % len(setup["keys"])]
        auth = {"Authorization": f"Bearer {key}"}
        post = {**auth, "Content-Type": "application/json"}
        while time.monotonic() < deadline and setup["numbers"]:
            number = setup["numbers"].pop()
            started = time.monotonic()
            status, _ = _http(port, "GET", f"/api/v1/cards/{number}", auth)
            payload = json.dumps({"card": number, "event_date": setup["today"],
                                  "offer": setup["offer"]}).encode()
            status2, _ = _http(port, "POST", "/api/v1/uses",
                               {**post, "Idempotency-Key": uuid.uuid4().hex}, payload)
            requests[n] += 2
            if (status, status2) != (200, 201):
                failures[(status, status2)] = failures.get((status, status2), 0) + 1
                continue
            latencies.append(time.monotonic() - started)

    def run(target, deadline: float) -> None:
        threads = [threading.Thread(target=target, args=(n, deadline)) for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def warm(n: int, deadline: float) -> None:
        auth = {"Authorization": f"Bearer {setup['keys'][0]}"}
        while time.monotonic() < deadline and setup["numbers"]:
            _http(port, "GET", f"/api/v1/cards/{setup['numbers'].pop()}", auth)

    # warm-up: every worker answers a few look-ups first (imports, first queries), not counted
    run(warm, time.monotonic() + min(10.0, seconds / 3))
    cpu = _cpu_seconds(server_pid) if server_pid else 0.0
    own = time.process_time()
    started = time.monotonic()
    run(client, started + seconds)
    elapsed = time.monotonic() - started
    cpu = (_cpu_seconds(server_pid) - cpu) if server_pid else 0.0
    own = time.process_time() - own
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    pairs = max(1, sum(requests) // 2)
    return {"pairs": len(latencies), "rate": len(latencies) / elapsed, "p50": q[49] * 1000,
            "p95": q[94] * 1000, "p99": q[98] * 1000, "failures": failures,
            "requests": sum(requests), "cpu_ms_pair": cpu * 1000 / pairs,
            "client_ms_pair": own * 1000 / pairs}


def stop(server) -> None:
    """Stop the gunicorn started by `serve` (its workers with it), waiting at most a minute
    before killing it."""
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def serve(env_extra: dict, workers: int):
    """Start gunicorn on a free port with production settings; returns (process, port)."""
    from bench.serve_load import HOST, _free_port, _request

    var_dir = ROOT / "bench" / "out" / "api_load"
    var_dir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"KAIKUKANTA_TESTING", "KAIKUKANTA_DEMO", "DEBUG"}}
    env.update(SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1",
               KAIKUKANTA_CARD_SIGNING_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
               KAIKUKANTA_VAR_DIR=str(var_dir), BIND=f"{HOST}:{port}",
               PYTHONPATH=str(ROOT / "src"), GUNICORN_ACCESS_LOG=str(var_dir / "access.log"),
               WEB_CONCURRENCY=str(workers), GUNICORN_MAX_REQUESTS="0")
    env.update(env_extra)
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
    python = sys.executable
    manage = [python, str(ROOT / "manage.py")]
    for step in (["compiletranslations"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run([*manage, *step], env=env, cwd=ROOT, check=True,  # noqa: S603
                       capture_output=True)
    server = subprocess.Popen(  # noqa: S603
        [str(Path(python).parent / "gunicorn"), "--config", "deploy/gunicorn.conf.py",
         "kaikukanta.wsgi"],
        cwd=ROOT, env=env, stdout=(var_dir / "server.log").open("w"), stderr=subprocess.STDOUT)
    for _ in range(240):
        try:
            if asyncio.run(_request(port, "GET", "/healthz"))[0] == 200:
                return server, port
        except OSError:
            pass
        time.sleep(0.5)
    server.kill()
    sys.exit("the server did not start; see bench/out/api_load/server.log")


def run(clients: int = 8, seconds: int = 30, workers: int = 4,
        capture_pairs: int = 8) -> list[tuple[str, str, str, str, str]]:
    seconds = max(5, min(seconds, 600))
    setup = prepare(clients, cards_needed=capture_pairs + clients * seconds * 40)
    pairs = capture(setup, capture_pairs)
    statements = statistics.median(len(p) for p in pairs)
    import redis

    # the API benchmark's own Redis database, emptied first: no cached key, scope or
    # dashboard of a run on another database may be found in it
    redis.Redis.from_url(REDIS_URL).flushdb()
    server, port = serve({"API_RATE_LIMIT": "1000000", "REDIS_URL": REDIS_URL}, workers)
    try:
        load = _drive(port, setup, clients, seconds, server.pid)
        rss = _rss_mb(server.pid)
    finally:
        stop(server)
    print(f"(API over HTTP done: {load['pairs']} pairs; now pgbench)", flush=True)
    tps = pgbench(pairs, clients, seconds)
    print(f"(API: {load['pairs']} pairs by {clients} clients in {seconds} s through "
          f"{workers} workers, {load['requests']} requests; p50 {load['p50']:.0f} ms, "
          f"p95 {load['p95']:.0f} ms, p99 {load['p99']:.0f} ms; failed pairs "
          f"{load['failures'] or 'none'}; {statements:.0f} SQL statements per pair; "
          f"worker RSS after the run: {', '.join(f'{m:.0f}' for m in rss)} MB; "
          f"worker CPU {load['cpu_ms_pair']:.1f} ms a pair, the clients' own "
          f"{load['client_ms_pair']:.2f} ms)", flush=True)
    from bench import targets

    ratio = load["rate"] / tps
    return [
        (f"API look-up + record, {clients} clients over HTTP",
         f"{load['rate']:,.1f} pairs/s, p95 {load['p95']:,.0f} ms, p99 {load['p99']:,.0f} ms",
         f"pgbench, same {statements:.0f} statements: {tps:,.0f} tps",
         f"{ratio:.2f}", targets.api(ratio)),
        (f"worker memory after the API run, {load['requests']:,} requests ({workers} workers)",
         f"max {max(rss, default=0):.0f} MB RSS", "–", "–",
         targets.memory(max(rss, default=0), load["requests"])),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database of bench/stats_data.py.")
    _setup_django()
    for line in run(args.clients, args.seconds, args.workers):
        print("| " + " | ".join(line) + " |")


if __name__ == "__main__":
    main()
