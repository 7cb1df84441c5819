"""Backups: written, verified against a scratch restore, restored; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import json
import os
import sqlite3

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kaikukanta.cards.models import Card
from kaikukanta.ops.backup import BackupError, Manifest, backup_restore, backup_verify
from kaikukanta.usage.models import Use
from tests.factories import make_card
from tests.ops.production import manage, production_env
from tests.stats.conftest import make_use

MAKE_CARDS = (
    "from kaikukanta.cards.models import Card; from kaikukanta.cards import numbers; "
    "Card.objects.bulk_create([Card(number=numbers.generate()) for _ in range({n})])"
)


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("backup")
    env = production_env(var_dir)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_geography")
    manage(env, "shell", "-c", MAKE_CARDS.format(n=25))
    return var_dir, env


def _rows(path, sql):
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_sqlite_backup_is_verified_and_restores(sqlite_site):
    var_dir, env = sqlite_site
    db = var_dir / "db.sqlite3"
    result = manage(env, "backup", "--dir", str(var_dir / "backups"))
    assert "backup written and verified" in result.stdout
    backup = next((var_dir / "backups").glob("*.sqlite3"))
    manifest = json.loads((backup.parent / (backup.name + ".json")).read_text())
    assert manifest["counts"]["cards_card"] == 25
    assert manifest["counts"]["geo_municipality"] == 308
    assert set(manifest["checksums"]) == {"cards_card", "usage_use"}

    cards_before = _rows(db, "SELECT * FROM cards_card ORDER BY id")
    manage(env, "shell", "-c", "from kaikukanta.cards.models import Card; "
                               "Card.objects.filter(pk__lte=5).delete(); "
                               "Card.objects.update(mobile_only=True)")
    assert len(_rows(db, "SELECT id FROM cards_card")) == 20

    refused = manage(env, "restore", str(backup), check=False)
    assert refused.returncode != 0 and "--yes" in refused.stderr
    result = manage(env, "restore", str(backup), "--yes")
    assert "match the backup" in result.stdout
    assert _rows(db, "SELECT * FROM cards_card ORDER BY id") == cards_before


def test_a_backup_that_does_not_match_its_manifest_fails(sqlite_site, tmp_path):
    var_dir, env = sqlite_site
    manage(env, "backup", "--dir", str(tmp_path))
    backup = next(tmp_path.glob("*.sqlite3"))
    manifest_path = backup.parent / (backup.name + ".json")
    manifest = json.loads(manifest_path.read_text())
    manifest["counts"]["cards_card"] += 1
    manifest["checksums"]["usage_use"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(BackupError) as error:
        backup_verify(backup)
    assert "cards_card: 26 rows expected, 25 found" in str(error.value)
    assert "usage_use: checksum differs" in str(error.value)


def test_restore_needs_the_manifest(sqlite_site, tmp_path):
    _var_dir, env = sqlite_site
    lonely = tmp_path / "kaikukanta-20260101-000000.sqlite3"
    lonely.write_bytes(b"")
    result = manage(env, "restore", str(lonely), "--yes", check=False)
    assert result.returncode != 0 and "manifest" in result.stderr


def test_prune_keeps_the_newest_and_deletes_old_backups(sqlite_site, tmp_path):
    _var_dir, env = sqlite_site
    manage(env, "backup", "--dir", str(tmp_path))
    old = next(tmp_path.glob("*.sqlite3"))
    long_ago = (datetime.datetime.now() - datetime.timedelta(days=40)).timestamp()
    os.utime(old, (long_ago, long_ago))
    result = manage({**env, "BACKUP_KEEP_DAYS": "30"}, "backup", "--dir", str(tmp_path),
                    "--prune")
    assert f"deleted old backup: {old}" in result.stdout
    assert len(list(tmp_path.glob("*.sqlite3"))) == 1
    assert not (tmp_path / (old.name + ".json")).exists()


def test_manifest_lists_every_difference():
    a = Manifest("sqlite", "", {"x": 1, "y": 2}, {"cards_card": "a", "usage_use": "b"})
    b = Manifest("sqlite", "", {"x": 1, "z": 3}, {"cards_card": "a", "usage_use": "c"})
    assert a.differences(b) == ["y: 2 rows expected, None found",
                                "z: None rows expected, 3 found", "usage_use: checksum differs"]
    assert a.differences(a) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_round_trip(cast, tmp_path):
    """pg_dump, verified in a scratch database, then restored over changed data."""
    a = cast.a
    cards = [make_card(a.unit, issued_on=datetime.date(2025, 1, i + 1), birth_year=1960 + i)
             for i in range(12)]
    for i, card in enumerate(cards):
        make_use(card, a.site, datetime.date(2025, 2, i + 1), children=i % 3)
    before_cards = list(Card.objects.order_by("pk").values())
    before_uses = list(Use.objects.order_by("pk").values())
    name = connection.settings_dict["NAME"].removeprefix("test_")
    call_command("backup", dir=tmp_path, scratch_database=f"{name}_verify")
    backup = next(tmp_path.glob("*.dump"))
    manifest = Manifest.read(backup.parent / (backup.name + ".json"))
    assert manifest.engine == "postgresql"
    assert manifest.counts["cards_card"] == Card.objects.count()
    assert manifest.counts["usage_use"] == 12

    Use.objects.filter(pk=before_uses[0]["id"]).delete()
    Card.objects.filter(pk=cards[3].pk).update(birth_year=1900)
    make_card(a.unit)

    backup_restore(backup)
    assert list(Card.objects.order_by("pk").values()) == before_cards
    assert list(Use.objects.order_by("pk").values()) == before_uses
    with connection.cursor() as cursor:  # the scratch database was dropped
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s",
                       [f"{name}_verify"])
        assert cursor.fetchone()[0] == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_restore_refuses_a_sqlite_backup(cast, sqlite_site, tmp_path):
    var_dir, env = sqlite_site
    manage(env, "backup", "--dir", str(tmp_path))
    with pytest.raises(BackupError, match="sqlite backup cannot be restored into postgresql"):
        backup_restore(next(tmp_path.glob("*.sqlite3")))


def test_restore_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "nothing.dump"), yes=True)
