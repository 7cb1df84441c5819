"""The issue's targets (issue 16), checked against the measured figures, not typed in.

Each benchmark's `run` returns rows (path, figure, anchor, ratio, target); the target
column says the target and "met" or "missed" as computed here from the numbers.
"""

from __future__ import annotations

import re

DESK_P95_MS = 25.0
DESK_RATIO = 0.5
API_RATIO = 0.6
IMPORT_ROWS_PER_S = 10_000.0
IMPORT_GROWTH = 11.0  # time for 10 × the rows at most this many times the time
DASH_MS = 250.0
MEMORY_MB = 150.0
MEMORY_REQUESTS = 100_000


def verdict(ok: bool, why: str = "") -> str:
    return "met" if ok else ("missed" + (f" ({why})" if why else ""))


def desk(p95_ms: float, ratio: float) -> str:
    why = ", ".join(w for w, bad in [(f"p95 {p95_ms:.0f} ms", p95_ms > DESK_P95_MS),
                                     (f"ratio {ratio:.2f}", ratio < DESK_RATIO)] if bad)
    return (f"p95 of a request ≤ {DESK_P95_MS:.0f} ms and ≥ {DESK_RATIO} of pgbench: "
            + verdict(p95_ms <= DESK_P95_MS and ratio >= DESK_RATIO, why))


def api(ratio: float) -> str:
    return f"≥ {API_RATIO} of pgbench: " + verdict(ratio >= API_RATIO)


def import_rate(rows_per_s: float) -> str:
    return f"≥ {IMPORT_ROWS_PER_S:,.0f} rows/s: " + verdict(rows_per_s >= IMPORT_ROWS_PER_S)


def import_growth(times: float) -> str:
    return f"≤ {IMPORT_GROWTH:.0f} ×: " + verdict(times <= IMPORT_GROWTH)


def dashboard(app_ms: float, duck_ms: float) -> str:
    why = ", ".join(w for w, bad in [(f"{app_ms:,.0f} ms", app_ms >= DASH_MS),
                                     ("slower than DuckDB", app_ms > duck_ms)] if bad)
    return (f"< {DASH_MS:.0f} ms and ≤ DuckDB: "
            + verdict(app_ms < DASH_MS and app_ms <= duck_ms, why))


def memory(max_mb: float, requests: int) -> str:
    if requests < MEMORY_REQUESTS:
        return (f"< {MEMORY_MB:.0f} MB after {MEMORY_REQUESTS:,} requests: not run that long "
                f"({requests:,})")
    return f"< {MEMORY_MB:.0f} MB after {MEMORY_REQUESTS:,} requests: " + verdict(
        max_mb < MEMORY_MB)


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("\u202f", "").replace(" ", ""))


def desk_target(line: tuple[str, ...]) -> tuple[str, ...]:
    """A row of bench/desk_http.py with the target column added (computed from its "p95 N
    ms" and its ratio) unless it has one already."""
    if len(line) >= 5:
        return line
    path, figure, anchor, ratio = line[:4]
    found = re.search(r"p95 ([\d,.]+) ms", figure)
    try:
        value = _number(ratio.split()[0])
    except (ValueError, IndexError):
        value = None
    if not path.lower().startswith("desk") or found is None or value is None:
        return (*line, "–")
    return (path, figure, anchor, ratio, desk(_number(found.group(1)), value))
