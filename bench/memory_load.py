"""Worker memory under a realistic mix of 100,000 requests over HTTP (after `stats_data.py`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_bench .venv/bin/python -m bench memory

Starts gunicorn as `bench/api_load.py` does (`deploy/gunicorn.conf.py`, production
settings, 4 workers, worker recycling off so that growth shows, Redis DB 3 for the cache)
and drives it with `--clients` threads (default 8; `http.client`, each request on its own
connection since gunicorn's sync workers close it) until `--requests` requests (default
100,000) have been answered. Each client repeats a cycle of 25 requests: four API pairs
(look-up `GET /api/v1/cards/{number}` + record `POST /api/v1/uses`), two desk pairs over
HTTP when `bench/desk_http.py` offers them (else two more API pairs), the public front
page three times, the first area's public page twice, the offer search twice, open data
(`/api/public/v1/offers`) twice, a hashed static file three times, and one statistics
dashboard (national, the first area's and one municipality's in turn; signed in with a
second factor; the cache as in production, made fresh by the records).

The resident memory (VmRSS of /proc/<pid>/status) of every worker is read at the start
(after a warm-up), every `--every` requests (default 10,000) and at the end. Prints the
samples, each worker's growth, the highest RSS and the answers by status.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import itertools
import json
import os
import secrets
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the memory run's own Redis database (cache, sessions), emptied before each run: nothing
# from a run on another database (whose ids may mean other people) may be found in it
REDIS_URL = os.environ.get("MEMORY_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")


def rss_by_pid(parent: int) -> dict[int, float]:
    """VmRSS in MB of each child process of `parent` (the gunicorn workers)."""
    out = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[1]) != parent:
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out[int(proc.name)] = int(line.split()[1]) / 1024
        except (OSError, ValueError, IndexError):
            continue
    return out


def _session(email: str) -> str:
    """A signed-in session with a confirmed second factor, written with the server's
    SECRET_KEY (settings.SECRET_KEY is set to it first): the cookie value."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kaikukanta.accounts.models import User

    user = User.objects.get(email=email)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Bench",
                                                 defaults={"confirmed": True})
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "kaikukanta.accounts.backends.EmailBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return store.session_key


class Driver:
    """The shared state of the client threads: what to ask, what came back."""

    def __init__(self, port: int, requests: int, setup: dict, paths: dict, desk=None,
                 deadline: float | None = None):
        self.port = port
        self.deadline = deadline
        self.target = requests
        self.setup = setup
        self.paths = paths
        self.desk = desk
        self.lock = threading.Lock()
        self.done = 0
        self.statuses: Counter = Counter()
        self.errors: Counter = Counter()
        self.pairs = iter(setup["pairs"])

    def _count(self, status) -> bool:
        with self.lock:
            self.done += 1
            self.statuses[status] += 1
            if self.deadline is not None and time.monotonic() > self.deadline:
                return False
            return self.done < self.target

    def _get(self, conn: http.client.HTTPConnection, path: str, headers: dict | None = None,
             method: str = "GET", body: bytes | None = None) -> bool:
        base = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https",
                "Accept-Encoding": "gzip"}
        try:
            conn.request(method, path, body=body, headers={**base, **(headers or {})})
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            with self.lock:
                self.errors[type(exc).__name__] += 1
            status = "error"
        return self._count(status)

    def _api_pair(self, conn, key: str) -> bool:
        with self.lock:
            number, offer = next(self.pairs, (None, None))
        if number is None:
            with self.lock:
                self.errors["out of cards"] += 1
            return self._get(conn, "/healthz")
        auth = {"Authorization": f"Bearer {key}"}
        if not self._get(conn, f"/api/v1/cards/{number}", auth):
            return False
        body = json.dumps({"card": number, "event_date": self.setup["today"],
                           "offer": offer}).encode()
        return self._get(conn, "/api/v1/uses", {**auth, "Content-Type": "application/json",
                                                "Idempotency-Key": uuid.uuid4().hex},
                         method="POST", body=body)

    def client(self, n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        key = self.setup["keys"][n % len(self.setup["keys"])]
        p = self.paths
        dashboards = itertools.cycle(p["dashboards"][n % len(p["dashboards"]):]
                                     + p["dashboards"][:n % len(p["dashboards"])])
        public = [p["front"]] * 3 + [p["area"]] * 2 + [p["search"]] * 2 + [p["open"]] * 2 \
            + [p["static"]] * 3
        going = True
        while going:
            for _ in range(4):
                going = going and self._api_pair(conn, key)
            for _ in range(2):
                if not going:
                    break
                if self.desk is not None:
                    going = self.desk(conn, n, self._count)
                else:
                    going = self._api_pair(conn, key)
            for path in public:
                going = going and self._get(conn, path)
            if going:
                path, cookie = next(dashboards)
                going = self._get(conn, path, {"Cookie": f"sessionid={cookie}"})
        conn.close()


def _desk_pairs(port: int, clients: int, pairs_needed: int):
    """One desk look-up + record over HTTP, as bench/desk_http.py makes it (each client
    signed in through the sign-in page as the venue's staff), or None without it."""
    try:
        from bench import desk_http
    except ImportError:
        return None
    state = desk_http.prepare(cards_needed=pairs_needed)
    jars = [desk_http._sign_in(port) for _ in range(clients)]
    lock = threading.Lock()

    def pair(conn, n: int, count) -> bool:
        with lock:
            number = state["numbers"].pop() if state["numbers"] else None
        if number is None:
            return count("out of cards for the desk")
        try:
            (looked, recorded), _times = desk_http._pair(port, jars[n], state, number)
        except (OSError, ValueError) as exc:
            looked = recorded = type(exc).__name__
        first = count(f"desk {looked}")
        return count(f"desk {recorded}") and first

    return pair


def prepare(pairs_needed: int, clients: int) -> dict:
    """API keys and (card, offer) pairs never recorded: valid cards of the first area,
    each with each of several new offers of the benchmark venue."""
    from bench.api_load import prepare as api_prepare
    from kaikukanta.usage.models import Offer

    setup = api_prepare(clients, cards_needed=pairs_needed)
    first = Offer.objects.get(pk=setup["offer"])
    offers = [first.pk]
    per_offer = max(1, len(setup["numbers"]))
    for i in range(1, -(-pairs_needed // per_offer)):
        offers.append(Offer.objects.create(
            venue=first.venue, site=first.site, title_fi=f"{first.title_fi} {i}",
            category=first.category, kind=first.kind).pk)
    setup["pairs"] = [(number, offer) for offer in offers for number in setup["numbers"]]
    return setup


def run(requests: int = 100_000, clients: int = 8, workers: int = 4, every: int = 10_000,
        max_seconds: float | None = None) -> list[tuple[str, str, str, str, str]]:
    """`max_seconds` stops the run earlier (on a busy machine); the rows say how far it
    got."""
    from django.conf import settings

    from bench import api_load, targets
    from kaikukanta.network.models import Area

    requests = max(100, min(requests, 1_000_000))
    # records: at most 12 of every 25 requests (the desk's pairs fall back to the API's)
    setup = prepare(pairs_needed=requests * 12 // 25 // 2 + 100, clients=clients)
    secret = secrets.token_urlsafe(50)
    settings.SECRET_KEY = secret
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    area = Area.objects.order_by("pk").first()
    muni = area.municipalities.order_by("-population").first()
    year = datetime.date.today().year
    national, coordinator = _session("national@bench.test"), _session("culture@bench.test")
    server, port = api_load.serve({"API_RATE_LIMIT": "1000000", "SECRET_KEY": secret,
                                   "REDIS_URL": REDIS_URL}, workers)
    manifest = json.loads((ROOT / "bench" / "out" / "api_load" / "static"
                           / "staticfiles.json").read_text())
    paths = {
        "front": "/fi/", "area": f"/fi/areas/{area.pk}/",
        "search": "/fi/offers/?q=Offer", "open": "/api/public/v1/offers",
        "static": "/static/" + manifest["paths"]["kaikukanta/site.css"],
        "dashboards": [(f"/stats/national/?year={year}", national),
                       (f"/stats/area/{area.pk}/?year={year}", coordinator),
                       (f"/stats/municipality/{muni.pk}/?year={year}", coordinator)],
    }
    desk = _desk_pairs(port, clients, pairs_needed=requests * 4 // 25 // 2 + 100)
    samples: list[tuple[int, dict[int, float]]] = []
    try:
        # a dashboard that takes seconds (or times out, killing its worker) is left out
        # of the mix and named: the mix is about memory, not about one slow page
        kept = []
        for path, cookie in paths["dashboards"]:
            check = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            t = time.monotonic()
            try:
                check.request("GET", path, headers={"Host": "127.0.0.1", "Cookie":
                                                    f"sessionid={cookie}",
                                                    "X-Forwarded-Proto": "https"})
                answer = check.getresponse()
                answer.read()
                status = answer.status
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
            check.close()
            took = time.monotonic() - t
            if status == 200 and took < 5:
                kept.append((path, cookie))
            else:
                print(f"(memory run: {path} left out of the mix: {status} in "
                      f"{took:.1f} s)", flush=True)
        paths["dashboards"] = kept or [("/healthz", "")]
        # warm-up: every worker has imported everything and answered each kind of request
        warm = Driver(port, 25 * workers * 2, setup, paths, desk)
        threads = [threading.Thread(target=warm.client, args=(n,)) for n in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        driver = Driver(port, requests, setup, paths, desk,
                        time.monotonic() + max_seconds if max_seconds else None)
        driver.pairs = warm.pairs
        samples.append((0, rss_by_pid(server.pid)))
        started = time.monotonic()
        threads = [threading.Thread(target=driver.client, args=(n,), daemon=True)
                   for n in range(clients)]
        for t in threads:
            t.start()
        mark = every
        while any(t.is_alive() for t in threads):
            time.sleep(0.2)
            if driver.done >= mark:
                samples.append((driver.done, rss_by_pid(server.pid)))
                print(f"(memory run: {driver.done:,} requests, "
                      f"{time.monotonic() - started:.0f} s, worker RSS "
                      f"{', '.join(f'{m:.0f}' for m in samples[-1][1].values())} MB)",
                      flush=True)
                mark += every
        elapsed = time.monotonic() - started
        samples.append((driver.done, rss_by_pid(server.pid)))
    finally:
        api_load.stop(server)
    first, last = samples[0][1], samples[-1][1]
    same = sorted(set(first) & set(last))
    growth = {pid: last[pid] - first[pid] for pid in same}
    peak = max((max(s.values(), default=0) for _, s in samples), default=0)
    print(f"(memory run: {driver.done:,} requests in {elapsed:.0f} s "
          f"({driver.done / elapsed:,.0f}/s) by {clients} clients, {workers} workers; answers "
          f"{dict(driver.statuses)}; client errors {dict(driver.errors) or 'none'}; "
          f"desk pairs: {'yes' if desk else 'no (API pairs instead)'})", flush=True)
    for done, sample in samples:
        print(f"(  after {done:>7,} requests: "
              f"{', '.join(f'{pid}: {mb:.1f}' for pid, mb in sorted(sample.items()))} MB)",
              flush=True)
    if set(first) != set(last):
        print("(  the workers changed during the run: a worker was restarted)", flush=True)
    start_max = max(first.values(), default=0)
    return [(f"worker memory, mixed load over HTTP, {driver.done:,} requests "
             f"({workers} workers, no recycling)",
             f"max {peak:.0f} MB RSS (start {start_max:.0f} MB; growth "
             f"{', '.join(f'{g:+.1f}' for g in growth.values())} MB)",
             f"{driver.done / elapsed:,.0f} requests/s", "–",
             targets.memory(peak, driver.done))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--every", type=int, default=10_000)
    parser.add_argument("--max-seconds", type=float, default=None)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database of bench/stats_data.py.")
    from bench.import_bench import setup

    setup()
    for line in run(args.requests, args.clients, args.workers, args.every, args.max_seconds):
        print("| " + " | ".join(line) + " |")


if __name__ == "__main__":
    main()
