"""Each migration runs on a database made by the previous version, with data in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.store import KdfParams, Store, StoreError
from desktop_app.store.connection import open_encrypted
from desktop_app.store.migrations import LATEST_VERSION, all_migrations, migrate
from desktop_app.store.vault import new_database_key


def _tables(conn) -> dict[str, int]:  # type: ignore[no-untyped-def]
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'"
        " AND name NOT LIKE 'search_%' AND name NOT LIKE 'sqlite_%'")]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def _fill(conn, version: int) -> None:  # type: ignore[no-untyped-def]
    """Put one row in every table the schema has at ``version``, the way that version's code would."""
    if version >= 1:
        conn.execute("INSERT INTO meta VALUES ('device_id', '\"dev\"')")
        conn.execute(
            "INSERT INTO records (id, kind, rev, body, title, created_at, updated_at)"
            " VALUES ('r1', 'member', '1-" + "a" * 32 + "', '{\"name\":\"张三\"}', '张三', 'now', 'now')")
        conn.execute(
            "INSERT INTO revisions (record_id, rev, parents, kind, status, body, hlc, device_id, author, origin,"
            " device_time) VALUES ('r1', '1-" + "a" * 32 + "', '[]', 'member', 'draft', '{}', 'h', 'dev', 'a',"
            " 'local', 'now')")
        conn.execute("INSERT INTO history (record_id, kind, op, after_rev, hlc, device_id, author, at)"
                     " VALUES ('r1', 'member', 'create', 'x', 'h', 'dev', 'a', 'now')")
        conn.execute("INSERT INTO outbox (change_id, record_id, rev, created_at) VALUES ('c1', 'r1', 'x', 'now')")


@pytest.mark.parametrize("migration", all_migrations(), ids=lambda m: m.name)
def test_migration_on_previous_version(tmp_path: Path, migration) -> None:  # type: ignore[no-untyped-def]
    conn = open_encrypted(tmp_path / "db", new_database_key(), create=True)
    assert migrate(conn, target=migration.version - 1) == migration.version - 1
    _fill(conn, migration.version - 1)
    before = _tables(conn)
    assert migrate(conn, target=migration.version) == migration.version
    after = _tables(conn)
    for table, count in before.items():
        assert after.get(table) == count, f"{table} lost rows in {migration.name}"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_latest_is_idempotent_and_newer_database_refused(tmp_path: Path) -> None:
    conn = open_encrypted(tmp_path / "db", new_database_key(), create=True)
    assert migrate(conn) == LATEST_VERSION
    assert migrate(conn) == LATEST_VERSION
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(StoreError):
        migrate(conn)
    conn.close()


def test_store_opens_at_latest_version(tmp_path: Path) -> None:
    s, _ = Store.create(tmp_path / "d", "passphrase!", kdf=KdfParams.fast_for_tests())
    assert s.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    s.close()


def test_every_migration_module_is_listed() -> None:
    """A frozen build sees only imported modules: a migration file missing from MODULES is lost."""
    from desktop_app.store import migrations

    on_disk = sorted(p.stem for p in Path(migrations.__file__).parent.glob("m[0-9][0-9][0-9][0-9]_*.py"))
    listed = [m.name for m in all_migrations()]
    assert on_disk, "no migration modules found next to the package"
    assert listed == on_disk, f"desktop_app/store/migrations/__init__.py MODULES lacks {set(on_disk) - set(listed)}"


def test_failed_create_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build whose migrations were lost (the old frozen-build bug) must not leave a keyless store."""
    import desktop_app.store.store as store_module

    monkeypatch.setattr(store_module, "migrate", lambda conn: 0)  # "no migrations found"
    data = tmp_path / "d"
    with pytest.raises(Exception, match="no such table"):
        Store.create(data, "passphrase!", kdf=KdfParams.fast_for_tests())
    assert not Store.exists(data) and list(data.iterdir()) == []
    monkeypatch.undo()
    s, _ = Store.create(data, "passphrase!", kdf=KdfParams.fast_for_tests())  # a retry just works
    s.close()
    Store.open(data, "passphrase!").close()
