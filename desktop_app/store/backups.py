"""Automatic encrypted backups of the store, made with SQLite's online backup API.

A backup is a folder ``<location>/BranchLedger-<key id>/<UTC time>-<reason>/`` holding

* ``ledger.db`` — a page-by-page copy made by SQLite's backup API from a read transaction, so it
  is consistent even while the clerk keeps saving; it is written through SQLCipher with the same
  database key, so it is exactly as encrypted as the store (no plaintext ever touches the stick);
* ``ledger.keys`` — a copy of the key file at that moment (key material has redundancy: a garbled
  ``ledger.keys`` is repaired from here, see store.py);
* ``manifest.json`` — time, reason, schema and app version, size and SHA-256 of ``ledger.db``, and
  the attachment files (``blobs``: name → size) this backup needs.

Attachment files (``<data>/blobs``, blobs.py) are already encrypted and never change once written
(their name is an HMAC of their content), so they are kept once per ledger, in
``BranchLedger-<key id>/blobs/``, shared by that ledger's backups: ten backups of 600 MB of photos
take 600 MB, not 6 GB. Each backup lists the files it needs; rotation removes pool files no kept
backup lists, and a restore copies the listed files back.

The folder is assembled under a temporary name and renamed when complete, so a crash or a pulled
USB stick leaves either a whole backup or an ignored ``.tmp-…`` folder. Backups are made on close
(when something changed since the last one), daily while the app stays open, always before a
migration, and on request; the newest ``keep`` of each ledger are kept. The location may be a USB
stick; when it is missing the failure is recorded and shown, and nothing else fails. Settings live
in ``ledger.backup.json`` beside the key file (plain: a folder name and two numbers), so they are
known before unlocking — a restore needs them exactly when the database cannot be read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlcipher3

from desktop_app.store.atomic import atomic_write_text, fsync_dir, fsync_file
from desktop_app.store.errors import BackupDamaged, BackupError, StoreError
from desktop_app.store.io_errors import translate
from domain.i18n import N_, t

if TYPE_CHECKING:
    from desktop_app.store.store import Store

CONFIG_FILE = "ledger.backup.json"
DEFAULT_FOLDER = "backups"
MANIFEST = "manifest.json"
BACKUP_FORMAT = "branch-ledger-backup"
DEFAULT_KEEP = 10
DAILY = dt.timedelta(hours=24)
STALE_TMP = dt.timedelta(hours=1)
REASONS = {  # shown with domain.i18n.t (the catalog has their English)
    "created": N_("新建台账时"),
    "close": N_("关闭时"),
    "daily": N_("每日"),
    "migration": N_("升级数据前"),
    "manual": N_("手动"),
    "before-restore": N_("恢复备份前"),
}
StoreLock = AbstractContextManager[Any]
BLOBS_DIR = "blobs"  # = blobs.BLOBS_DIR, in the data dir and in each ledger's backup folder
_BLOB_REL = re.compile(r"[0-9a-f]{2}/[0-9a-f]{64}")  # a pooled file: never a path outside the pool
_META_MARKER, _META_LAST, _META_ERROR = "backup.marker", "backup.last", "backup.last_error"


@dataclass
class BackupConfig:
    """Where backups go and how many are kept (``location`` "" = ``<data dir>/backups``)."""

    location: str = ""
    keep: int = DEFAULT_KEEP
    on_close: bool = True
    daily: bool = True

    def root(self, data_dir: Path) -> Path:
        return Path(self.location).expanduser() if self.location else Path(data_dir) / DEFAULT_FOLDER

    def root_may_be_created(self, data_dir: Path) -> bool:
        """Only the default folder is created; a chosen location (a USB stick) must be there, or a
        missing stick would silently fill its empty mount point on the laptop's own disk."""
        return not self.location


def load_config(data_dir: Path) -> BackupConfig:
    try:
        raw = json.loads((Path(data_dir) / CONFIG_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return BackupConfig()
    if not isinstance(raw, dict):
        return BackupConfig()
    config = BackupConfig()
    if isinstance(raw.get("location"), str):
        config.location = raw["location"]
    if isinstance(raw.get("keep"), int) and raw["keep"] >= 1:
        config.keep = min(raw["keep"], 1000)
    for flag in ("on_close", "daily"):
        if isinstance(raw.get(flag), bool):
            setattr(config, flag, raw[flag])
    return config


def save_config(data_dir: Path, config: BackupConfig) -> None:
    if config.keep < 1:
        raise BackupError(t("至少要保留 1 个备份"))
    atomic_write_text(Path(data_dir) / CONFIG_FILE, json.dumps(asdict(config), ensure_ascii=False, indent=2))


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: dt.datetime
    reason: str
    size: int
    key_id: str
    schema_version: int
    app_version: str
    sha256: str
    extra: dict[str, Any] = field(default_factory=dict)
    blobs: dict[str, int] = field(default_factory=dict)  # pooled attachment files it needs: aa/name → size

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def reason_text(self) -> str:
        return t(REASONS[self.reason]) if self.reason in REASONS else self.reason

    def describe(self) -> str:
        local = self.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        return t("{when}（{reason}，{size} KB）", when=local, reason=self.reason_text, size=self.size // 1024)


def ledger_folder(root: Path, key_id: str) -> Path:
    return Path(root) / f"BranchLedger-{key_id}"


# ---------------------------------------------------------------------------------------- making


def _nolock(lock: StoreLock | None) -> StoreLock:
    return lock if lock is not None else contextlib.nullcontext()


def change_marker(store: Store) -> str:
    """Changes whenever records, the outbox, sync state or settings change (not backup bookkeeping)."""
    conn = store.conn
    parts = [
        conn.execute("SELECT coalesce(max(id), 0) FROM history").fetchone()[0],
        conn.execute("SELECT count(*), coalesce(max(counter), 0) FROM outbox").fetchone(),
        conn.execute("SELECT coalesce(group_concat(key || '=' || value, '|'), '') FROM"
                     " (SELECT key, value FROM meta WHERE key NOT LIKE 'backup.%' ORDER BY key)").fetchone()[0],
        conn.execute("SELECT count(*) FROM editor_buffers").fetchone()[0],
    ]
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]


def make_backup(store: Store, reason: str, *, lock: StoreLock | None = None) -> BackupInfo:
    """Write a complete backup now; raises :class:`BackupError` (with the reason) when it cannot.

    ``lock`` (the app's session guard) is held only while the store itself is read, not during
    the copy, which reads through a connection of its own.
    """
    config = load_config(store.data_dir)
    with _nolock(lock):
        marker = change_marker(store)
        key_json = store.key_file_json()
        db_path, db_key, key_id = store.db_path, store.db_key_for_backup(), store.key_id
        schema = int(store.conn.execute("PRAGMA user_version").fetchone()[0])
        device_id = store.device_id
    try:
        info = write_backup(db_path, db_key, key_json, config.root(store.data_dir), key_id=key_id, reason=reason,
                            schema_version=schema, extra={"device_id": device_id},
                            create_root=config.root_may_be_created(store.data_dir),
                            blobs_dir=Path(store.data_dir) / BLOBS_DIR)
        rotate(ledger_folder(config.root(store.data_dir), key_id), config.keep)
    except (OSError, sqlcipher3.Error, StoreError) as exc:
        failure = translate(exc) or BackupError(detail=str(exc))
        if isinstance(exc, sqlcipher3.Error) and translate(exc) is None and _damaged(db_path, db_key):
            failure = BackupError(t("备份时发现数据文件有损坏。请锁定后重新解锁，程序会检查数据并提供抢救办法"))
        message = t("备份到 {folder} 失败：{reason}", folder=config.root(store.data_dir), reason=failure.message)
        with _nolock(lock), contextlib.suppress(sqlcipher3.Error, StoreError), store.transaction():
            store.meta.set(_META_ERROR, {"at": _iso_now(), "message": message})
        raise BackupError(message, detail=str(exc)) from exc
    with _nolock(lock), contextlib.suppress(sqlcipher3.Error, StoreError), store.transaction():
        store.meta.set(_META_MARKER, marker)
        store.meta.set(_META_LAST, {"at": info.created_at.isoformat(), "path": str(info.path), "reason": reason})
        store.meta.delete(_META_ERROR)
    return info


def _damaged(db_path: Path, db_key: bytes) -> bool:
    """After a failed copy: is the source damaged? Then the next open checks every page."""
    from desktop_app.store.connection import DatabaseDamage, check_database, mark_check_needed

    try:
        check_database(db_path, db_key, full=True)
    except DatabaseDamage:
        mark_check_needed(db_path)
        return True
    except StoreError:
        return False
    return False


def backup_if_changed(store: Store, reason: str, *, lock: StoreLock | None = None,
                      older_than: dt.timedelta | None = None) -> BackupInfo | None:
    """Back up when something changed since the last backup (and, with ``older_than``, the last
    one is at least that old: the daily backup). Returns None when nothing was due."""
    with _nolock(lock):
        changed = store.meta.get(_META_MARKER) != change_marker(store)
        last = store.meta.get(_META_LAST)
    if not changed:
        return None
    if older_than is not None and isinstance(last, dict):
        with contextlib.suppress(KeyError, ValueError, TypeError):
            if _utc_now() - dt.datetime.fromisoformat(last["at"]) < older_than:
                return None
    return make_backup(store, reason, lock=lock)


def last_status(store: Store) -> dict[str, Any]:
    """The last backup and the last failure, for 设置 and ``backup list``."""
    return {"last": store.meta.get(_META_LAST), "error": store.meta.get(_META_ERROR)}


def write_backup(db_path: Path, db_key: bytes, key_json: str, root: Path, *, key_id: str, reason: str,
                 schema_version: int, app_version: str = "", extra: dict[str, Any] | None = None,
                 create_root: bool = True, blobs_dir: Path | None = None) -> BackupInfo:
    """Copy the database at ``db_path`` (SQLite's backup API) and the key file into a new backup,
    and the attachment files of ``blobs_dir`` into the ledger's shared pool."""
    from desktop_app.store.connection import _connect, _key  # the store's own way to open a database

    if not create_root and not Path(root).is_dir():
        raise BackupError(t("备份位置 {root} 不存在（U 盘没有插入？）", root=root))
    folder = ledger_folder(root, key_id)
    folder.mkdir(parents=True, exist_ok=True)
    now = _utc_now()
    name = f"{now.strftime('%Y%m%dT%H%M%S%fZ')}-{reason}"
    tmp = folder / f".tmp-{name}"
    tmp.mkdir()
    try:
        source = _connect(str(db_path))
        target = _connect(str(tmp / "ledger.db"))
        try:
            _key(source, db_key)
            _key(target, db_key)
            # SQLCipher 4.19's backup does not fail on a page whose HMAC is wrong: it writes that
            # page into the copy re-encrypted, with a valid HMAC, so the damage would pass into the
            # backup unseen (SQLCipher 4.12 failed the step). Checking every page's HMAC first (no
            # B-tree parse) keeps the backup the full read the store relies on to find damage.
            bad = source.execute("PRAGMA cipher_integrity_check").fetchall()
            if bad:
                raise sqlcipher3.DatabaseError(f"page check before the backup: {bad[0][0]}")
            source.backup(target)  # one step: a consistent snapshot, concurrent writers keep going
        finally:
            target.close()
            source.close()
        fsync_file(tmp / "ledger.db")
        atomic_write_text(tmp / "ledger.keys", key_json)
        digest = _sha256(tmp / "ledger.db")
        size = (tmp / "ledger.db").stat().st_size
        blobs = _copy_blobs(blobs_dir, folder / BLOBS_DIR) if blobs_dir is not None else {}
        manifest = {
            "format": BACKUP_FORMAT, "version": 1, "created_at": now.isoformat(), "reason": reason,
            "key_id": key_id, "schema_version": schema_version, "app_version": app_version or _app_version(),
            "size": size, "sha256": digest, **(extra or {}), "blobs": blobs,
        }
        atomic_write_text(tmp / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        fsync_dir(tmp)
        final = folder / name
        tmp.rename(final)
        fsync_dir(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return _info(final, manifest)


def blob_files(blobs_dir: Path) -> dict[str, int]:
    """The complete attachment files under ``blobs_dir`` (``aa/name`` → size; no ``.part``/``.tmp``)."""
    if not blobs_dir.is_dir():
        return {}
    return {f"{p.parent.name}/{p.name}": p.stat().st_size for p in sorted(blobs_dir.glob("*/*"))
            if p.is_file() and "." not in p.name}


def _copy_blobs(source: Path, pool: Path) -> dict[str, int]:
    """Copy into ``pool`` the files it lacks (same name and size: already there); returns what is listed."""
    listed: dict[str, int] = {}
    for rel, size in blob_files(source).items():
        target = pool / rel
        if not (target.is_file() and target.stat().st_size == size):
            target.parent.mkdir(parents=True, exist_ok=True)
            part = target.with_name(target.name + ".tmp")
            try:
                shutil.copyfile(source / rel, part)
            except FileNotFoundError:  # collected meanwhile: nothing references it
                continue
            fsync_file(part)
            os.replace(part, target)
            fsync_dir(target.parent)
        listed[rel] = size
    return listed


def copy_blobs_back(info: BackupInfo, blobs_dir: Path) -> int:
    """Restore: put the backup's attachment files into ``blobs_dir`` (those missing or of another size)."""
    pool = info.path.parent / BLOBS_DIR
    copied = 0
    for rel, size in info.blobs.items():
        target = blobs_dir / rel
        if target.is_file() and target.stat().st_size == size:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".tmp")
        shutil.copyfile(pool / rel, part)
        fsync_file(part)
        os.replace(part, target)
        fsync_dir(target.parent)
        copied += 1
    return copied


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest complete backups beyond ``keep``, stale temporary folders and pooled attachment
    files no kept backup lists; returns what was deleted (backups are the only thing the program
    deletes, as configured)."""
    removed: list[Path] = []
    backups = _scan(folder)
    for info in backups[keep:]:
        shutil.rmtree(info.path, ignore_errors=True)
        removed.append(info.path)
    needed = {rel for info in backups[:keep] for rel in info.blobs}
    for rel in blob_files(folder / BLOBS_DIR):
        if rel not in needed:
            with contextlib.suppress(OSError):
                (folder / BLOBS_DIR / rel).unlink()
                removed.append(folder / BLOBS_DIR / rel)
    if folder.is_dir():
        for child in folder.glob(".tmp-*"):
            with contextlib.suppress(OSError):
                age = _utc_now() - dt.datetime.fromtimestamp(child.stat().st_mtime, dt.UTC)
                if age > STALE_TMP:
                    shutil.rmtree(child, ignore_errors=True)
                    removed.append(child)
    return removed


# ---------------------------------------------------------------------------------------- finding


def list_backups(data_dir: Path, key_id: str | None) -> list[BackupInfo]:
    """Complete backups of the ledger ``key_id`` (every ledger's when None), newest first, from the
    configured location and the default folder."""
    config = load_config(data_dir)
    roots = list(dict.fromkeys([config.root(data_dir), Path(data_dir) / DEFAULT_FOLDER]))
    found: dict[Path, BackupInfo] = {}
    for root in roots:
        if key_id:
            folders = [ledger_folder(root, key_id)]
        else:
            folders = sorted(root.glob("BranchLedger-*")) if root.is_dir() else []
        for folder in folders:
            for info in _scan(folder):
                found[info.path.resolve()] = info
    return sorted(found.values(), key=lambda i: i.created_at, reverse=True)


def find_backup(data_dir: Path, key_id: str | None, name_or_path: str) -> BackupInfo:
    """A backup by its folder name (as ``backup list`` prints it) or by path."""
    from desktop_app.store.errors import BackupNotFound

    candidate = Path(name_or_path).expanduser()
    if candidate.is_dir() and (candidate / MANIFEST).exists():
        info = read_backup(candidate)
        if info is None:
            raise BackupDamaged(detail=str(candidate))
        return info
    for info in list_backups(data_dir, key_id):
        if info.name == name_or_path:
            return info
    raise BackupNotFound(detail=name_or_path)


def read_backup(path: Path) -> BackupInfo | None:
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
        return None
    if not (path / "ledger.db").is_file() or not (path / "ledger.keys").is_file():
        return None
    try:
        return _info(path, manifest)
    except (KeyError, TypeError, ValueError):
        return None


def verify_backup(info: BackupInfo) -> None:
    """Raise :class:`BackupDamaged` unless the copy is byte for byte what was written and every
    attachment file it lists is in the pool at its size (their content is checked by its GCM tags
    whenever it is read)."""
    try:
        ok = _sha256(info.path / "ledger.db") == info.sha256
    except OSError as exc:
        raise BackupDamaged(detail=str(exc)) from exc
    if not ok:
        raise BackupDamaged(t("该备份已损坏（内容校验不符），不能用于恢复"), detail=str(info.path))
    pool = info.path.parent / BLOBS_DIR
    for rel, size in info.blobs.items():
        try:
            present = (pool / rel).stat().st_size == size
        except OSError:
            present = False
        if not present:
            raise BackupDamaged(t("该备份的附件文件缺失或不完整，不能用于恢复"), detail=rel)


def _scan(folder: Path) -> list[BackupInfo]:
    if not folder.is_dir():
        return []
    infos = [read_backup(child) for child in folder.iterdir() if child.is_dir() and not child.name.startswith(".")]
    return sorted((i for i in infos if i is not None), key=lambda i: i.created_at, reverse=True)


def _info(path: Path, manifest: dict[str, Any]) -> BackupInfo:
    known = {"format", "version", "created_at", "reason", "key_id", "schema_version", "app_version", "size",
             "sha256", "blobs"}
    blobs = manifest.get("blobs") or {}
    if not isinstance(blobs, dict) or not all(
            isinstance(k, str) and _BLOB_REL.fullmatch(k) and isinstance(v, int) for k, v in blobs.items()):
        raise ValueError("bad blob list in the manifest")
    return BackupInfo(
        path=path,
        created_at=dt.datetime.fromisoformat(str(manifest["created_at"])),
        reason=str(manifest["reason"]),
        size=int(manifest["size"]),
        key_id=str(manifest["key_id"]),
        schema_version=int(manifest["schema_version"]),
        app_version=str(manifest.get("app_version", "")),
        sha256=str(manifest["sha256"]),
        extra={k: v for k, v in manifest.items() if k not in known},
        blobs=dict(blobs),
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("branch-ledger")
    except PackageNotFoundError:
        return ""


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso_now() -> str:
    return _utc_now().isoformat(timespec="seconds")


def iter_key_copies(data_dir: Path, key_id: str | None) -> Iterator[tuple[BackupInfo, bytes]]:
    """The key-file copies held by backups (newest first, each distinct content once)."""
    seen: set[str] = set()
    for info in list_backups(data_dir, key_id):
        try:
            raw = (info.path / "ledger.keys").read_bytes()
        except OSError:
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if digest not in seen:
            seen.add(digest)
            yield info, raw
