"""`python -m bench --help`: list the benchmarks."""

import sys

BENCHES = {"desk": "card look-up + use recording through the real views (PostgreSQL)"}

if __name__ == "__main__":
    print("Benchmarks (run with DATABASE_URL set to a PostgreSQL database):")
    for name, text in BENCHES.items():
        print(f"  .venv/bin/python -m bench.{name}   {text}")
    sys.exit(0)
