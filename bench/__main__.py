"""`python -m bench`: list the benchmarks; `python -m bench all`: the comparison table."""

import sys

BENCHES = {
    "desk": "card look-up + use recording through the real views (PostgreSQL)",
    "stats_data": "generate 1,000,000 cards and 10,000,000 uses (--scale 0.01 for a quick set)",
    "stats_bench": "time every dashboard through the real views (after stats_data)",
    "import_bench": "the file import end to end against COPY + INSERT … SELECT",
    "dash_bench": "dashboards for a period against DuckDB over the same uses",
    "serve_load": "200 clients for a minute against gunicorn; PostgreSQL connections, 5xx",
    "public_bench": "public pages and open data at demo scale and with 5,000 offers",
}


def run_all() -> None:
    """Each figure next to its anchor, in one run (after stats_data)."""
    from bench import dash_bench, import_bench

    import_bench.setup()
    lines = [("path", "figure", "anchor, same run", "ratio")]
    lines += import_bench.run([10_000, 100_000])
    lines += dash_bench.run()
    lines.append(("desk and API look-up + record, 8 clients over HTTP", "not measured",
                  "pgbench", "–"))
    for line in lines:
        print("| " + " | ".join(line) + " |", flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["all"]:
        run_all()
        sys.exit(0)
    print("Benchmarks (run with DATABASE_URL set to a PostgreSQL database):")
    print("  .venv/bin/python -m bench all   the comparison table (import, dashboards)")
    for name, text in BENCHES.items():
        print(f"  .venv/bin/python -m bench.{name}   {text}")
    sys.exit(0)
