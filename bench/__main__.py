"""`python -m bench --help`: list the benchmarks."""

import sys

BENCHES = {
    "desk": "card look-up + use recording through the real views (PostgreSQL)",
    "stats_data": "generate 1,000,000 cards and 10,000,000 uses for the dashboards (PostgreSQL)",
    "stats_bench": "time every dashboard through the real views (after stats_data)",
    "public_bench": "public pages and open data at demo scale and with 5,000 offers",
}

if __name__ == "__main__":
    print("Benchmarks (run with DATABASE_URL set to a PostgreSQL database):")
    for name, text in BENCHES.items():
        print(f"  .venv/bin/python -m bench.{name}   {text}")
    sys.exit(0)
