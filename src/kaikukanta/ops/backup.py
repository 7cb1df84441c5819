"""Backups that are checked after writing, and restoring them.

PostgreSQL: `pg_dump` in custom format, taken from the same snapshot as a manifest of every
table's row count and a checksum of the cards and the uses. SQLite: the online backup API,
the manifest read in the same read transaction. Each backup is then restored into a scratch
database (PostgreSQL) or file (SQLite) and compared with its manifest; a backup that does
not match is deleted and the command fails. `restore` compares the restored database with
the manifest too.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

CHECKSUM_TABLES = ("cards_card", "usage_use")
MANIFEST_SUFFIX = ".json"


class BackupError(Exception):
    """A backup or restore failed or did not match its manifest."""


@dataclass
class Manifest:
    engine: str
    created_at: str
    counts: dict[str, int]
    checksums: dict[str, str]

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.__dict__, indent=2, sort_keys=True))

    @classmethod
    def read(cls, path: Path) -> Manifest:
        return cls(**json.loads(path.read_text()))

    def differences(self, other: Manifest) -> list[str]:
        out = []
        for table in sorted(set(self.counts) | set(other.counts)):
            if self.counts.get(table) != other.counts.get(table):
                out.append(f"{table}: {self.counts.get(table)} rows expected, "
                           f"{other.counts.get(table)} found")
        for table in CHECKSUM_TABLES:
            if self.checksums.get(table) != other.checksums.get(table):
                out.append(f"{table}: checksum differs")
        return out


def _measure(cursor, tables: list[str], quote) -> tuple[dict[str, int], dict[str, str]]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (table names)
        counts[table] = cursor.fetchone()[0]
    checksums = {}
    for table in CHECKSUM_TABLES:
        digest = hashlib.sha256()
        cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY id")  # noqa: S608
        while rows := cursor.fetchmany(2000):
            for row in rows:
                digest.update(repr(tuple(row)).encode())
        checksums[table] = digest.hexdigest()
    return counts, checksums


def _now() -> str:
    return timezone.now().isoformat(timespec="seconds")


# --- PostgreSQL --------------------------------------------------------------------


def _pg_env(db: dict) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _run(args: list[str], db: dict) -> None:
    result = subprocess.run(args, env=_pg_env(db), capture_output=True, text=True,  # noqa: S603
                            check=False)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()}")


@contextmanager
def _pg_connection(db: dict, name: str) -> Iterator:
    import psycopg

    kwargs = {"dbname": name, "host": db.get("HOST") or None, "port": db.get("PORT") or None,
              "user": db.get("USER") or None, "password": db.get("PASSWORD") or None}
    with psycopg.connect(**{k: v for k, v in kwargs.items() if v}) as conn:
        yield conn


def _pg_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                   "ORDER BY tablename")
    return [r[0] for r in cursor.fetchall()]


def _pg_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pg_measure(db: dict, name: str) -> tuple[dict[str, int], dict[str, str]]:
    with _pg_connection(db, name) as conn, conn.cursor() as cursor:
        return _measure(cursor, _pg_tables(cursor), _pg_quote)


def _pg_backup(db: dict, target: Path) -> Manifest:
    """pg_dump from the snapshot in which the manifest is counted."""
    with _pg_connection(db, db["NAME"]) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts, checksums = _measure(cursor, _pg_tables(cursor), _pg_quote)
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--snapshot={snapshot}", f"--file={target}", db["NAME"]], db)
        conn.rollback()
    return Manifest("postgresql", _now(), counts, checksums)


@contextmanager
def _pg_scratch(db: dict, name: str) -> Iterator[str]:
    """A scratch database, created empty and always dropped."""
    with _pg_connection(db, "postgres") as admin:
        admin.autocommit = True
        admin.execute(f"DROP DATABASE IF EXISTS {_pg_quote(name)}")
        admin.execute(f"CREATE DATABASE {_pg_quote(name)}")
    try:
        yield name
    finally:
        with _pg_connection(db, "postgres") as admin:
            admin.autocommit = True
            admin.execute(f"DROP DATABASE IF EXISTS {_pg_quote(name)} WITH (FORCE)")


def _pg_restore(db: dict, source: Path, name: str, *, clean: bool) -> None:
    args = ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction",
            "--exit-on-error", f"--dbname={name}"]
    if clean:
        args += ["--clean", "--if-exists"]
    _run([*args, str(source)], db)


# --- SQLite ------------------------------------------------------------------------


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                   "AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [r[0] for r in cursor.fetchall()]


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_measure(path: Path) -> tuple[dict[str, int], dict[str, str]]:
    conn = sqlite3.connect(path)
    try:
        cursor = conn.cursor()
        return _measure(cursor, _sqlite_tables(cursor), _sqlite_quote)
    finally:
        conn.close()


def _sqlite_copy(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _sqlite_backup(path: Path, target: Path) -> Manifest:
    """The online backup, copied inside the read transaction that counts the manifest."""
    src = sqlite3.connect(path, isolation_level=None)
    try:
        src.execute("BEGIN")
        cursor = src.cursor()
        counts, checksums = _measure(cursor, _sqlite_tables(cursor), _sqlite_quote)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
        src.execute("COMMIT")
    finally:
        src.close()
    return Manifest("sqlite", _now(), counts, checksums)


# --- the commands' services --------------------------------------------------------


def _database(alias: str = "default") -> dict:
    db = connections[alias].settings_dict
    if connections[alias].vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"cannot back up a {connections[alias].vendor} database")
    return db


def backup_create(*, directory: Path | None = None, scratch_name: str | None = None,
                  verify: bool = True) -> Path:
    """Write a backup and its manifest to `directory`, then verify it (see module doc).
    Returns the backup's path."""
    connection = connections["default"]
    db = _database()
    directory = Path(directory or settings.BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    suffix = ".dump" if connection.vendor == "postgresql" else ".sqlite3"
    target = directory / f"kaikukanta-{stamp}{suffix}"
    n = 1
    while target.exists():  # two backups within one second
        n += 1
        target = directory / f"kaikukanta-{stamp}-{n}{suffix}"
    if connection.vendor == "postgresql":
        manifest = _pg_backup(db, target)
    else:
        connection.close()
        manifest = _sqlite_backup(Path(db["NAME"]), target)
    manifest.write(target.with_name(target.name + MANIFEST_SUFFIX))
    if verify:
        try:
            backup_verify(target, scratch_name=scratch_name)
        except BackupError:
            target.unlink(missing_ok=True)
            target.with_name(target.name + MANIFEST_SUFFIX).unlink(missing_ok=True)
            raise
    return target


def _manifest_for(path: Path) -> Manifest:
    manifest_path = path.with_name(path.name + MANIFEST_SUFFIX)
    if not manifest_path.exists():
        raise BackupError(f"{manifest_path} is missing: a backup needs its manifest")
    return Manifest.read(manifest_path)


def backup_verify(path: Path, *, scratch_name: str | None = None) -> Manifest:
    """Restore the backup into a scratch database and compare it with its manifest."""
    manifest = _manifest_for(path)
    if manifest.engine == "postgresql":
        db = _database()
        name = scratch_name or f"{db['NAME']}_verify_{uuid.uuid4().hex[:8]}"
        with _pg_scratch(db, name):
            _pg_restore(db, path, name, clean=False)
            counts, checksums = _pg_measure(db, name)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            scratch = Path(tmp) / "scratch.sqlite3"
            _sqlite_copy(path, scratch)
            counts, checksums = _sqlite_measure(scratch)
    found = Manifest(manifest.engine, manifest.created_at, counts, checksums)
    problems = manifest.differences(found)
    if problems:
        raise BackupError("the backup does not match its manifest: " + "; ".join(problems))
    return manifest


def backup_restore(path: Path) -> Manifest:
    """Replace the database's contents with the backup's, then compare with the manifest.

    PostgreSQL restores in one transaction (a failure changes nothing); SQLite copies the
    backup over the database file's contents through the backup API."""
    manifest = _manifest_for(path)
    connection = connections["default"]
    db = _database()
    if manifest.engine != connection.vendor:
        raise BackupError(f"a {manifest.engine} backup cannot be restored into "
                          f"{connection.vendor}")
    connection.close()
    if manifest.engine == "postgresql":
        _pg_restore(db, path, db["NAME"], clean=True)
        counts, checksums = _pg_measure(db, db["NAME"])
    else:
        _sqlite_copy(path, Path(db["NAME"]))
        counts, checksums = _sqlite_measure(Path(db["NAME"]))
    problems = manifest.differences(Manifest(manifest.engine, "", counts, checksums))
    if problems:
        raise BackupError("the restored database does not match the backup: "
                          + "; ".join(problems))
    return manifest


def backups_prune(*, directory: Path | None = None, keep_days: int) -> list[Path]:
    """Delete backups (and manifests) older than `keep_days`; never the newest one."""
    directory = Path(directory or settings.BACKUP_DIR)
    backups = sorted((p for p in directory.glob("kaikukanta-*")
                      if not p.name.endswith(MANIFEST_SUFFIX)), key=lambda p: p.stat().st_mtime)
    cutoff = timezone.now() - datetime.timedelta(days=keep_days)
    removed = []
    for path in backups[:-1]:
        modified = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
        if modified < cutoff:
            path.unlink()
            path.with_name(path.name + MANIFEST_SUFFIX).unlink(missing_ok=True)
            removed.append(path)
    return removed


def tool_missing() -> str | None:
    """The PostgreSQL client tool that is not installed, if any."""
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            return tool
    return None
