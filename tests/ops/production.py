"""Helpers to run Kaikukanta the way production does, in a child process."""

from __future__ import annotations

import base64
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def production_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The documented production variables, with SQLite under `var_dir` as the database."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"KAIKUKANTA_TESTING", "KAIKUKANTA_DEMO", "DEBUG", "DATABASE_URL",
                        "DATABASE_REPLICA_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE",
                        "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        KAIKUKANTA_CARD_SIGNING_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        ALLOWED_HOSTS="kaikukanta.example.fi,127.0.0.1",
        DATABASE_URL=f"sqlite:///{var_dir / 'db.sqlite3'}",
        KAIKUKANTA_VAR_DIR=str(var_dir),
        PYTHONPATH=str(ROOT / "src"),
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT,
        capture_output=True, text=True, timeout=300, check=check,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
