"""`python -m bench`: list the benchmarks; `python -m bench all [--scale S] [--seconds N]
[--requests N]`: the comparison table of issue 16, in one run; `python -m bench memory
[--requests N]`: the workers' memory under a mixed load; `python -m bench prepare
[--rebuild]`: build, migrate and rebuild the rollups only (bench/data.py)."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback

BENCHES = {
    "desk": "card look-up + use recording through the real views (PostgreSQL)",
    "stats_data": "generate 1,000,000 cards and about 9.8 million uses (--scale 0.01: quick)",
    "stats_bench": "time every dashboard through the real views (after stats_data)",
    "import_bench": "the file import end to end against COPY + INSERT … SELECT",
    "dash_bench": "dashboards for a period against DuckDB over the same uses",
    "api_load": "API look-up + record, 8 clients over HTTP through gunicorn, against pgbench",
    "desk_http": "desk look-up + record, 8 clients over HTTP through gunicorn, against pgbench",
    "memory_load": "a mixed load of 100,000 requests over HTTP; the workers' memory",
    "serve_load": "200 clients for a minute against gunicorn; PostgreSQL connections, 5xx",
    "public_bench": "public pages and open data at demo scale and with 5,000 offers",
}

HEADER = ("path", "figure", "anchor, same run", "ratio", "target")


def _load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def _desk(clients: int, seconds: int, workers: int) -> list[tuple[str, ...]]:
    """The desk over HTTP (bench/desk_http.py, by the desk's work), when it is there."""
    try:
        from bench import desk_http
    except ImportError:
        return [("desk look-up + record, 8 clients over HTTP", "not measured: "
                 "bench/desk_http.py is not there yet", "pgbench", "–",
                 "p95 ≤ 25 ms, ≥ 0.5: not measured")]
    from bench.targets import desk_target

    return [desk_target(tuple(line)) for line in desk_http.run(clients, seconds, workers)]


def run_all(scale: float, seconds: int, requests: int, rebuild: bool | None = None,
            max_seconds: float | None = None) -> None:
    """Each figure next to its anchor and target, in one run. Builds, migrates and
    rebuilds the rollups first when needed (bench/data.py)."""
    from bench import api_load, dash_bench, data, import_bench, memory_load

    import_bench.setup()
    data.ensure(scale, rebuild=rebuild)
    from kaikukanta.cards.models import Card
    from kaikukanta.usage.models import Use

    print(f"(data: {Card.objects.count():,} cards, {Use.objects.count():,} uses; {_load()})",
          flush=True)
    started = time.monotonic()
    lines: list[tuple[str, ...]] = []
    parts = [
        ("desk", lambda: _desk(8, seconds, 4)),
        ("API", lambda: api_load.run(clients=8, seconds=seconds, workers=4)),
        ("import", lambda: import_bench.run([10_000, 100_000])),
        ("dashboards", dash_bench.run),
    ]
    if requests:
        parts.append(("memory", lambda: memory_load.run(requests=requests,
                                                        max_seconds=max_seconds)))
    for name, part in parts:
        print(f"({name}: starting; {_load()})", flush=True)
        t = time.monotonic()
        try:
            lines += part()
        except (Exception, SystemExit) as exc:  # one part failing leaves the others' rows
            traceback.print_exc()
            lines.append((f"{name}: failed", f"{type(exc).__name__}: {exc}"[:200], "–", "–",
                          "not measured"))
        print(f"({name}: {time.monotonic() - t:.0f} s; {_load()})", flush=True)
    print(f"(took {time.monotonic() - started:.0f} s; {_load()})", flush=True)
    print()
    for line in [HEADER, tuple("---" for _ in HEADER), *lines]:
        print("| " + " | ".join(line) + " |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("command", nargs="?", choices=["all", "memory", "prepare"])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="data size when the database is empty (1: 1,000,000 cards)")
    parser.add_argument("--seconds", type=int, default=60, help="each HTTP load's duration")
    parser.add_argument("--requests", type=int, default=100_000,
                        help="requests of the memory run (0: leave it out of `all`)")
    parser.add_argument("--max-seconds", type=float, default=None,
                        help="stop the memory run after this long (a busy machine)")
    parser.add_argument("--rebuild", action="store_true", default=None,
                        help="rebuild the statistics rollups even when they look fresh")
    parser.add_argument("--keep-rollups", dest="rebuild", action="store_false",
                        help="do not rebuild them for changed migrations or rollup code")
    args = parser.parse_args()
    if args.command is None:
        print("Benchmarks (run with DATABASE_URL set to a PostgreSQL database):")
        print("  .venv/bin/python -m bench all [--scale 0.1] [--seconds 60] [--requests 0]"
              "   the comparison table")
        print("  .venv/bin/python -m bench memory [--requests 100000]   worker memory")
        print("  .venv/bin/python -m bench prepare [--rebuild]   migrate, rebuild the rollups")
        for name, text in BENCHES.items():
            print(f"  .venv/bin/python -m bench.{name}   {text}")
        return
    if args.command == "all":
        run_all(args.scale, args.seconds, args.requests, args.rebuild, args.max_seconds)
        return
    from bench import data, import_bench

    import_bench.setup()
    data.ensure(args.scale, rebuild=args.rebuild)
    if args.command == "memory":
        from bench import memory_load

        print(f"({_load()})", flush=True)
        for line in [HEADER, *memory_load.run(requests=args.requests,
                                              max_seconds=args.max_seconds)]:
            print("| " + " | ".join(line) + " |", flush=True)
        print(f"({_load()})", flush=True)


if __name__ == "__main__":
    sys.exit(main())
