"""The encrypted blob store over a real SQLCipher store and real files on disk."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from desktop_app.store import KdfParams, Store
from desktop_app.store.blobs import (
    HEADER_SIZE,
    SEGMENT,
    TAG,
    AttachmentDamaged,
    AttachmentMissing,
    derive_keys,
    encrypted_size,
)
from domain.attachments import AttachmentRefused, AttachmentRole
from testsupport import attachment_samples as samples

from .conftest import PASSPHRASE


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The process's temp dir, fresh and empty, so a test can prove nothing plaintext lands in it."""
    folder = tmp_path / "systemp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


@pytest.fixture
def clerk_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "clerk"
    folder.mkdir()
    return folder


def _files(*roots: Path) -> list[Path]:
    return [p for root in roots for p in root.rglob("*") if p.is_file()]


def _blob_files(store: Store) -> list[Path]:
    return [p for p in store.blobs.root.rglob("*") if p.is_file()]


def test_marker_bytes_never_reach_the_disk_in_plaintext(store: Store, clerk_dir: Path, private_tmp: Path) -> None:
    photo = samples.jpeg(2600, 1800, marker=samples.MARKER, orientation=6, gps=True)
    small = samples.jpeg(300, 200, marker=samples.MARKER + b"-small")
    (clerk_dir / "合影.jpg").write_bytes(photo)
    (clerk_dir / "小图.jpg").write_bytes(small)
    kept = store.blobs.put_file(clerk_dir / "合影.jpg", downscale=False, role=AttachmentRole.PHOTO)
    scaled = store.blobs.put_file(clerk_dir / "合影.jpg")  # downscaled, in memory
    tiny = store.blobs.put_file(clerk_dir / "小图.jpg")  # small: kept byte for byte
    pasted = store.blobs.put_bytes(small[:-2] + samples.MARKER + small[-2:], "粘贴.jpg")
    assert store.blobs.read_all(kept.sha256) == photo
    assert samples.MARKER in store.blobs.read_all(tiny.sha256)
    for ref in (kept, scaled, tiny, pasted):
        assert store.blobs.thumbnail(ref.sha256) is not None
        store.blobs.read_all(ref.sha256)
    store.checkpoint()
    assert _files(private_tmp) == [], "nothing at all goes through the temp directory"
    files = _files(store.data_dir, private_tmp)
    assert len(_blob_files(store)) == 4
    for path in files:
        data = path.read_bytes()
        assert samples.MARKER not in data, path
        assert kept.sha256.encode() not in data and bytes.fromhex(kept.sha256) not in data, path
    names = {p.name for p in _blob_files(store)}
    assert not any(ref.sha256 in n for ref in (kept, scaled) for n in names), "file names are HMACs, not digests"


def test_downscaling_turns_upright_and_drops_gps(store: Store) -> None:
    photo = samples.jpeg(2400, 1600, orientation=6, gps=True)
    ref = store.blobs.put_bytes(photo, "巡护.jpg", role=AttachmentRole.PHOTO, caption="巡护路线")
    assert (ref.width, ref.height) == (1333, 2000), "rotated by EXIF 6, long edge 2000"
    with Image.open(io.BytesIO(store.blobs.read_all(ref.sha256))) as image:
        exif = image.getexif()
        assert 0x8825 not in exif and exif.get(0x0112, 1) == 1
        assert image.size == (1333, 2000)
    assert ref.caption == "巡护路线" and ref.role is AttachmentRole.PHOTO
    original = store.blobs.put_bytes(photo, "巡护原图.jpg", downscale=False)
    assert store.blobs.read_all(original.sha256) == photo and (original.width, original.height) == (2400, 1600)
    big_png = samples.png(3000, 1000)
    assert store.blobs.put_bytes(big_png, "截图.png").mime == "image/png"
    assert store.blobs.put_bytes(big_png, "截图.png").width == 2000


def test_same_file_twice_is_stored_once(store: Store, clerk_dir: Path, private_tmp: Path) -> None:
    data = samples.pdf("讲稿")
    (clerk_dir / "a.pdf").write_bytes(data)
    (clerk_dir / "b.pdf").write_bytes(data)
    first = store.blobs.put_file(clerk_dir / "a.pdf", role=AttachmentRole.LECTURE)
    second = store.blobs.put_file(clerk_dir / "b.pdf")
    assert first.sha256 == second.sha256 == hashlib.sha256(data).hexdigest()
    assert (first.name, second.name) == ("a.pdf", "b.pdf")
    assert len(_blob_files(store)) == 1
    assert store.conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 1
    assert store.blobs.thumbnail(first.sha256) is not None, "PDF first page rendered in memory"
    assert _files(private_tmp) == []


def test_large_files_are_segmented_and_read_at_any_offset(store: Store) -> None:
    data = b"%PDF-1.4\n" + os.urandom(3 * SEGMENT + 1234) + b"\n%%EOF\n"
    ref = store.blobs.put_bytes(data, "扫描件.pdf")
    path = store.blobs.path_of(ref.sha256)
    assert path.stat().st_size == encrypted_size(len(data)) == HEADER_SIZE + len(data) + 4 * TAG
    with store.blobs.open_reader(ref.sha256) as reader:
        assert reader.size == len(data)
        for offset, n in [(0, 10), (SEGMENT - 5, 10), (2 * SEGMENT, SEGMENT + 7), (len(data) - 3, 100)]:
            assert reader.read(offset, n) == data[offset: offset + n]
        stream = reader.stream()
        stream.seek(SEGMENT + 1)
        assert stream.read(20) == data[SEGMENT + 1: SEGMENT + 21]
    assert store.blobs.read_all(ref.sha256) == data


@pytest.mark.parametrize("where", ["header", "first", "last", "truncate", "swap"])
def test_a_damaged_blob_is_reported_never_shown(store: Store, where: str) -> None:
    data = b"%PDF-1.4\n" + os.urandom(2 * SEGMENT) + b"\n%%EOF\n"
    ref = store.blobs.put_bytes(data, "签到表.pdf", role=AttachmentRole.SIGN_IN_SHEET)
    other = store.blobs.put_bytes(samples.pdf("另一个"), "另一个.pdf")
    path = store.blobs.path_of(ref.sha256)
    raw = bytearray(path.read_bytes())
    if where == "header":
        raw[5] ^= 1
    elif where == "first":
        raw[HEADER_SIZE + 100] ^= 0x40
    elif where == "last":
        raw[-3] ^= 0x01
    elif where == "truncate":
        raw = raw[: -TAG]
    else:
        raw = bytearray(store.blobs.path_of(other.sha256).read_bytes())
    path.write_bytes(bytes(raw))
    with pytest.raises(AttachmentDamaged) as info:
        store.blobs.read_all(ref.sha256, name="签到表.pdf")
    assert "签到表.pdf" in str(info.value) and "损坏" in str(info.value)
    with pytest.raises(AttachmentDamaged), store.blobs.open_reader(ref.sha256) as reader:
        reader.read(len(data) - 10, 10) if where != "first" else reader.read(0, 200)
    # Attaching the same file again does not paper over the damage silently.
    with pytest.raises(AttachmentDamaged):
        store.blobs.put_bytes(data, "签到表.pdf")


def test_missing_file_and_absent_content(store: Store) -> None:
    ref = store.blobs.put_bytes(samples.png(), "a.png")
    store.blobs.path_of(ref.sha256).unlink()
    assert not store.blobs.has(ref.sha256)
    with pytest.raises(AttachmentDamaged):
        store.blobs.read_all(ref.sha256)
    with pytest.raises(AttachmentMissing) as info:
        store.blobs.read_all("0" * 64)
    assert "尚未下载" in str(info.value)


@pytest.mark.parametrize(("make", "name", "code"), [
    (samples.bomb_png, "炸弹.png", "bomb"),
    (lambda: samples.jpeg(800, 600)[:3000], "半张.jpg", "damaged"),
    (samples.pdf, "其实是PDF.jpg", "type_mismatch"),
    (samples.plain_zip, "其实是ZIP.jpg", "type_mismatch"),
    (lambda: b"", "空.pdf", "empty"),
    (lambda: b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024 - 8) + b"%%EOF\n", "超大.pdf", "too_large"),
])
def test_hostile_files_store_nothing(store: Store, clerk_dir: Path, private_tmp: Path, make, name: str,  # type: ignore[no-untyped-def]
                                     code: str) -> None:
    data = make()
    path = clerk_dir / name
    path.write_bytes(data)
    for attempt in (lambda: store.blobs.put_file(path), lambda: store.blobs.put_bytes(data, name)):
        with pytest.raises(AttachmentRefused) as info:
            attempt()
        assert info.value.code == code and name in str(info.value)
    assert _blob_files(store) == [] and _files(private_tmp) == []
    assert store.conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 0


def test_path_traversal_name_is_refused(store: Store) -> None:
    with pytest.raises(AttachmentRefused) as info:
        store.blobs.put_bytes(samples.jpeg(), "../../../etc/cron.d/x.jpg")
    assert info.value.code == "bad_name" and "不安全" in str(info.value)
    assert _blob_files(store) == []


def test_resumable_download_keeps_what_was_sealed(store_dir: Path, store: Store) -> None:
    data = samples.noisy_jpeg(600, 400)
    assert len(data) > 2 * SEGMENT
    from domain.attachments import check_content

    ref = check_content(data, "远端.jpg").ref(AttachmentRole.PHOTO)
    writer = store.blobs.begin_download(ref)
    assert writer.offset == 0
    writer.append(data[:SEGMENT + 5000])
    assert writer.offset == SEGMENT + 5000
    writer.close()  # the link drops
    store.close()
    reopened = Store.open(store_dir, PASSPHRASE)
    try:
        writer = reopened.blobs.begin_download(ref)
        assert writer.offset == SEGMENT, "resumes from the last sealed segment"
        for offset in range(writer.offset, len(data), 70_000):
            writer.append(data[offset: offset + 70_000])
        assert writer.offset == len(data)
        assert not reopened.blobs.has(ref.sha256)
        writer.finish()
        assert reopened.blobs.has(ref.sha256) and reopened.blobs.read_all(ref.sha256) == data
        assert reopened.blobs.thumbnail(ref.sha256) is not None
        assert reopened.blobs.begin_download(ref).complete
    finally:
        reopened.close()


def test_a_download_that_does_not_match_is_discarded(store: Store) -> None:
    from domain.attachments import check_content

    data = samples.png(600, 400)
    ref = check_content(data, "远端.png").ref()
    writer = store.blobs.begin_download(ref)
    writer.append(data[:-1] + bytes([data[-1] ^ 1]))
    with pytest.raises(AttachmentDamaged):
        writer.finish()
    assert not store.blobs.has(ref.sha256) and _blob_files(store) == []
    assert store.blobs.begin_download(ref).offset == 0
    lie = check_content(samples.pdf(), "x.pdf").ref()
    writer = store.blobs.begin_download(lie.model_copy(update={"sha256": hashlib.sha256(data).hexdigest(),
                                                                "size": len(data)}))
    writer.append(data)
    with pytest.raises(AttachmentRefused):
        writer.finish()
    with pytest.raises(AttachmentDamaged):
        store.blobs.begin_download(ref).append(data + b"x")


def test_thumbnail_from_head_office(store: Store) -> None:
    digest = "ab" * 32
    thumb = samples.jpeg(200, 150)
    store.blobs.put_thumbnail(digest, thumb)
    assert store.blobs.thumbnail(digest) == thumb
    assert store.blobs.info(digest).state == "thumb_only"  # type: ignore[union-attr]
    assert not store.blobs.has(digest)
    with pytest.raises(AttachmentRefused):
        store.blobs.put_thumbnail(digest, samples.pdf())


def test_unreferenced_blobs_are_collected_referenced_never(store: Store) -> None:
    kept = store.blobs.put_bytes(samples.jpeg(400, 300), "保留.jpg", role=AttachmentRole.PHOTO)
    drafted = store.blobs.put_bytes(samples.png(), "草稿中.png")
    dropped = store.blobs.put_bytes(samples.pdf("删掉"), "删掉.pdf")
    old_rev = store.blobs.put_bytes(samples.jpeg(300, 300, color=(1, 2, 3)), "旧版本.jpg")
    record = store.records.create("meeting", {
        "meeting_type": "theme_day", "title": "主题党日", "starts_at": "2026-11-05T09:00",
        "attachments": [kept.model_dump(mode="json"), old_rev.model_dump(mode="json")]}, author="t")
    store.records.update(record.record_id, {**record.body.model_dump(mode="json"),
                                            "attachments": [kept.model_dump(mode="json")]},
                         base_rev=record.rev, author="t")
    store.buffers.save("draft-1", "meeting", {"attachments": [drafted.model_dump(mode="json")]},
                       record_id=None, base_rev=None)
    assert store.blobs.collect_unreferenced() == [], "within the grace period nothing goes"
    removed = store.blobs.collect_unreferenced(grace=dt.timedelta(0))
    assert removed == [dropped.sha256]
    for ref in (kept, drafted, old_rev):
        assert store.blobs.read_all(ref.sha256)
    assert not store.blobs.path_of(dropped.sha256).exists()
    assert len(_blob_files(store)) == 3


def test_keys_come_from_the_database_key(store: Store, store_dir: Path) -> None:
    ref = store.blobs.put_bytes(samples.png(), "a.png")
    aes, names = derive_keys(store.db_key_for_backup())
    assert aes != names and len(aes) == len(names) == 32
    store.close()
    with Store.open(store_dir, PASSPHRASE) as again:
        assert again.blobs.read_all(ref.sha256) == samples.png()
    other, _ = Store.create(store_dir.parent / "other", PASSPHRASE, kdf=KdfParams.fast_for_tests())
    try:
        assert other.blobs.path_of(ref.sha256) != store.blobs.path_of(ref.sha256)
    finally:
        other.close()


def test_migration_6_on_a_version_5_database_with_records(tmp_path: Path) -> None:
    """The previous version's database (made by migrating to 5 and filled as 5 would) gains the table."""
    from desktop_app.store.connection import open_encrypted
    from desktop_app.store.migrations import migrate
    from desktop_app.store.vault import new_database_key

    conn = open_encrypted(tmp_path / "db", new_database_key(), create=True)
    assert migrate(conn, target=5) == 5
    conn.execute("INSERT INTO meta VALUES ('device_id', '\"dev\"')")
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'blobs'").fetchone()[0] == 0
    assert migrate(conn) >= 6
    conn.execute("INSERT INTO blobs (sha256, created_at, updated_at) VALUES (?, 'now', 'now')", ("a" * 64,))
    assert conn.execute("SELECT state, size, partial_offset FROM blobs").fetchone() == ("absent", 0, 0)
    with pytest.raises(Exception, match="CHECK"):
        conn.execute("INSERT INTO blobs (sha256, state, created_at, updated_at) VALUES ('b', 'x', 'n', 'n')")
    conn.close()


def test_the_previous_release_store_takes_attachments(tmp_path: Path) -> None:
    import shutil

    release = Path(__file__).parents[1] / "packaging" / "fixtures" / "release-0.1.0"
    shutil.copytree(release / "data", tmp_path / "release")
    with Store.open(tmp_path / "release", (release / "passphrase.txt").read_text(encoding="utf-8")) as old:
        ref = old.blobs.put_bytes(samples.jpeg(), "旧台账的照片.jpg")
        assert old.blobs.read_all(ref.sha256) == samples.jpeg()


def test_heic_photos_become_jpeg(store: Store) -> None:
    ref = store.blobs.put_bytes(samples.heic(2400, 1800), "IMG_0001.HEIC", role=AttachmentRole.PHOTO)
    assert (ref.mime, ref.name, ref.width, ref.height) == ("image/jpeg", "IMG_0001.jpg", 2000, 1500)
    assert store.blobs.read_all(ref.sha256)[:3] == b"\xff\xd8\xff"
    kept = store.blobs.put_bytes(samples.heic(800, 600), "小.heic", downscale=False)
    assert kept.mime == "image/jpeg" and (kept.width, kept.height) == (800, 600), "HEIC is always converted"


def test_closing_collects_what_stayed_unreferenced(store_dir: Path) -> None:
    s, _ = Store.create(store_dir, PASSPHRASE, kdf=KdfParams.fast_for_tests())
    stale = s.blobs.put_bytes(samples.png(), "没保存.png")
    fresh = s.blobs.put_bytes(samples.jpeg(), "刚添加.jpg")
    with s.transaction() as conn:
        conn.execute("UPDATE blobs SET updated_at = '2000-01-01T00:00:00.000+00:00' WHERE sha256 = ?",
                     (stale.sha256,))
    stale_path = s.blobs.path_of(stale.sha256)
    s.close()
    assert not stale_path.exists()
    with Store.open(store_dir, PASSPHRASE) as again:
        assert not again.blobs.has(stale.sha256) and again.blobs.has(fresh.sha256)
