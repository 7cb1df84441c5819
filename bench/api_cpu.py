"""The partner API's look-up + record pair in one process: worker CPU, SQL statements and
Redis commands per pair, without HTTP or the machine's other load in the figure.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_x REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python -m bench.api_cpu --pairs 300 [--profile FILE]

Runs the app as gunicorn's workers do (production settings, the API key cache on Redis,
the WSGI application called with each request's environ), on a database of
`stats_data.py` (it WRITES: a new offer, keys and one use per pair; never point it at a
database others measure). First `--warm` pairs (not counted), then `--pairs` pairs timed
with `time.process_time`, then the same number again counting SQL statements and Redis
commands. `--profile FILE` writes cProfile's statistics of the timed pairs to FILE and
prints the top functions. Compare two trees (or commits) in the same conditions; the
figure is the Python side only (PostgreSQL's and Redis's CPU are theirs).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup(redis_url: str) -> None:
    from bench.api_load import production_environ

    production_environ(redis_url, "api_cpu", ALLOWED_HOSTS="127.0.0.1",
                       API_RATE_LIMIT="1000000")


def _environ(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> dict:
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https", "HTTP_CONNECTION": "close",
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http", "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return environ


def _call(app, environ: dict) -> tuple[str, bytes]:
    status = []
    chunks = app(environ, lambda s, h, exc_info=None: status.append(s))
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return status[0], body


def pair(app, setup: dict, key: str) -> None:
    number = setup["numbers"].pop()
    auth = {"Authorization": f"Bearer {key}"}
    looked, body = _call(app, _environ("GET", f"/api/v1/cards/{number}", auth))
    payload = json.dumps({"card": number, "event_date": setup["today"],
                          "offer": setup["offer"]}).encode()
    made, body2 = _call(app, _environ("POST", "/api/v1/uses", {
        **auth, "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex},
        payload))
    if not (looked.startswith("200") and made.startswith("201")):
        sys.exit(f"a pair failed: {looked} {body[:200]!r} {made} {body2[:300]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--warm", type=int, default=30)
    parser.add_argument("--profile", default="")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--callgrind", action="store_true",
                        help="run under valgrind --tool=callgrind --instr-atstart=no: only "
                             "the timed pairs are instrumented")
    parser.add_argument("--show", action="store_true",
                        help="print the last pair's SQL statements and Redis commands")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of bench/stats_data.py.")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9")
    _setup(redis_url)
    import redis
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    from bench.api_load import prepare

    redis.Redis.from_url(redis_url).flushdb()
    setup = prepare(1, cards_needed=args.warm + 2 * args.pairs)
    key = setup["keys"][0]
    app = get_wsgi_application()
    for _ in range(args.warm):
        pair(app, setup, key)

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)  # CPU, not waiting
        profiler.enable()
    if args.callgrind:  # under `valgrind --tool=callgrind --instr-atstart=no`
        import subprocess

        subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())],  # noqa: S603,S607
                       check=True)
    started = time.process_time()
    for _ in range(args.pairs):
        pair(app, setup, key)
    cpu = time.process_time() - started
    if args.callgrind:
        subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())],  # noqa: S603,S607
                       check=True)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)

    statements = 0
    commands: dict[str, int] = {}
    shown: list[str] = []

    def count_sql(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        shown.append(f"SQL {' '.join(sql.split())[:160]}")
        return execute(sql, params, many, context)

    real, real_pipeline = redis.Redis.execute_command, redis.client.Pipeline.execute

    def count_redis(self, *a, **kw):
        commands[a[0]] = commands.get(a[0], 0) + 1
        shown.append(f"Redis {a[0]} {a[1:3]}")
        return real(self, *a, **kw)

    def count_pipeline(self, *a, **kw):
        name = "pipeline " + "+".join(str(c[0][0]) for c in self.command_stack)
        commands[name] = commands.get(name, 0) + 1
        shown.append(f"Redis {name}")
        return real_pipeline(self, *a, **kw)

    redis.Redis.execute_command = count_redis
    redis.client.Pipeline.execute = count_pipeline
    try:
        with connection.execute_wrapper(count_sql):
            for _ in range(args.pairs):
                shown.clear()
                pair(app, setup, key)
    finally:
        redis.Redis.execute_command = real
        redis.client.Pipeline.execute = real_pipeline
    if args.show:
        print("\n".join(shown))
    per = {k: round(v / args.pairs, 2) for k, v in sorted(commands.items())}
    print(f"worker CPU {cpu * 1000 / args.pairs:.2f} ms a pair ({args.pairs} pairs); "
          f"{statements / args.pairs:.1f} SQL statements and "
          f"{sum(commands.values()) / args.pairs:.1f} Redis round trips a pair {per}")
    if profiler is not None:
        import pstats

        stats = pstats.Stats(args.profile)
        calls = sum(s[1] for s in stats.stats.values())
        print(f"cProfile: {calls / args.pairs:,.0f} Python calls a pair")
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
