"""`python -m bench`: list the benchmarks; `python -m bench all [--scale S] [--seconds N]`:
the comparison table of issue 16, in one run."""

import os
import subprocess
import sys
import time
from pathlib import Path

BENCHES = {
    "desk": "card look-up + use recording through the real views (PostgreSQL)",
    "stats_data": "generate 1,000,000 cards and 10,000,000 uses (--scale 0.01 for a quick set)",
    "stats_bench": "time every dashboard through the real views (after stats_data)",
    "import_bench": "the file import end to end against COPY + INSERT … SELECT",
    "dash_bench": "dashboards for a period against DuckDB over the same uses",
    "api_load": "API look-up + record, 8 clients over HTTP through gunicorn, against pgbench",
    "serve_load": "200 clients for a minute against gunicorn; PostgreSQL connections, 5xx",
    "public_bench": "public pages and open data at demo scale and with 5,000 offers",
}


def _load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def run_all(scale: float, seconds: int) -> None:
    """Each figure next to its anchor, in one run. Builds the data first (stats_data.py
    at `scale`) when the database has no cards yet."""
    from bench import api_load, dash_bench, import_bench

    import_bench.setup()
    from kaikukanta.cards.models import Card

    if not Card.objects.exists():
        print(f"(building the data: stats_data.py --scale {scale})", flush=True)
        subprocess.run([sys.executable, str(Path(__file__).parent / "stats_data.py"),  # noqa: S603
                        "--scale", str(scale)], check=True)
    cards = Card.objects.count()
    print(f"(data: {cards:,} cards; {_load()})", flush=True)
    started = time.monotonic()
    lines = [("path", "figure", "anchor, same run", "ratio")]
    lines += api_load.run(clients=8, seconds=seconds, workers=4)
    print(f"({_load()})", flush=True)
    lines += import_bench.run([10_000, 100_000])
    print(f"({_load()})", flush=True)
    lines += dash_bench.run()
    print(f"(took {time.monotonic() - started:.0f} s; {_load()})", flush=True)
    for line in lines:
        print("| " + " | ".join(line) + " |", flush=True)


def _option(name: str, default: str) -> str:
    args = sys.argv[1:]
    return args[args.index(name) + 1] if name in args[:-1] else default


if __name__ == "__main__":
    if sys.argv[1:2] == ["all"]:
        run_all(float(_option("--scale", "1")), int(_option("--seconds", "60")))
        sys.exit(0)
    print("Benchmarks (run with DATABASE_URL set to a PostgreSQL database):")
    print("  .venv/bin/python -m bench all [--scale 0.1] [--seconds 60]   the comparison table")
    for name, text in BENCHES.items():
        print(f"  .venv/bin/python -m bench.{name}   {text}")
    sys.exit(0)
