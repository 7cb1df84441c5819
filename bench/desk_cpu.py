"""The desk pair's worker CPU in process: what one gunicorn worker spends on a look-up +
record, measured without the network and the other workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_x .venv/bin/python -m bench.desk_cpu

After `stats_data.py` (any scale; the data must be one the benchmark may write to: it
records uses). The same settings as the server of `bench/desk_http.py` (production
settings, Redis for the cache and sessions: `DESK_BENCH_REDIS_URL`, the person's cache),
the same sign-in through the sign-in page and the same pair: GET the desk's look-up page
for a card, POST the record form with its one-time token. Django's test client calls the
WSGI handler directly, so the figure is the handler's work plus the test client's own
(building the request, reading the answer's cookies), the same before and after a change.
Prints the process CPU per pair (`time.process_time`, `--pairs` pairs after `--warm`
pairs, best of `--rounds` rounds) and, with `--profile`, cProfile's 30 costliest functions
(cumulative) over one more round.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from urllib.parse import urlencode


def _settings() -> None:
    from bench.api_load import production_environ
    from bench.desk_http import REDIS_URL

    # the server's static files with their hashed names (`api_load.serve`)
    production_environ(REDIS_URL, "api_load", ALLOWED_HOSTS="127.0.0.1,testserver")
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--callgrind", action="store_true",
                        help="under `valgrind --tool=callgrind --instr-atstart=no`: switch "
                        "the instrumentation on after the warm-up pairs (instructions a pair: "
                        "the output's total over rounds × pairs)")
    parser.add_argument("--dump", help="write the profile to this file (pstats)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of bench/stats_data.py.")
    from bench.api_load import ROOT

    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    _settings()
    import redis
    from django.test import Client

    from bench import desk_http

    redis.Redis.from_url(desk_http.REDIS_URL).flushdb()
    total = args.warm + args.pairs * (args.rounds + (1 if args.profile else 0))
    setup = desk_http.prepare(cards_needed=total)
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_ORIGIN="https://127.0.0.1",
                    HTTP_HOST="127.0.0.1")
    page = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                      page.content.decode()).group(1)
    signed = client.post("/accounts/login/", {
        "csrfmiddlewaretoken": token, "username": desk_http.USER,
        "password": desk_http.PASSWORD}, HTTP_REFERER="https://127.0.0.1/accounts/login/")
    if signed.status_code != 302:
        sys.exit(f"signing in failed: {signed.status_code}")

    def pair() -> None:
        number = setup["numbers"].pop()
        looked = client.get(desk_http.DESK, {"site": setup["site"], "number": number})
        # as a browser (and desk_http.py) sends the form: urlencoded
        made = client.post(desk_http.RECORD, urlencode(
            desk_http._record_data(setup, number, looked.content.decode())),
            content_type="application/x-www-form-urlencoded",
            HTTP_REFERER=f"https://127.0.0.1{desk_http.DESK}")
        if looked.status_code != 200 or made.status_code != 302:
            sys.exit(f"a pair failed: {looked.status_code} {made.status_code} "
                     f"{made.content[:300]!r}")

    for _ in range(args.warm):
        pair()
    if args.callgrind:  # count instructions only from here (run under valgrind's callgrind)
        import subprocess

        subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())],  # noqa: S603,S607
                       check=True, capture_output=True)
    best = []
    for _ in range(args.rounds):
        started = time.process_time()
        for _ in range(args.pairs):
            pair()
        best.append((time.process_time() - started) * 1000 / args.pairs)
    print(f"desk pair in process: {min(best):.2f} ms CPU a pair (rounds: "
          f"{', '.join(f'{b:.2f}' for b in best)}; {args.pairs} pairs each)")
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile(time.process_time)  # CPU, not waits
        profile.enable()
        for _ in range(args.pairs):
            pair()
        profile.disable()
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(80)
        stats.sort_stats("cumulative").print_stats("kaikukanta", 60)
        stats.sort_stats("tottime").print_stats(50)
        if args.dump:
            stats.dump_stats(args.dump)


if __name__ == "__main__":
    main()
