"""Head office with its attachments in an S3-compatible bucket, on a real S3-compatible server
(moto's, on 127.0.0.1): the ``serve`` options and environment, a start-up check that refuses an
unusable bucket, and a large blob that goes up to the bucket in multipart parts.

The tus contract itself (resume by offset, cuts, branch isolation, hostile inputs) is tested on
both stores by test_blobs.py and test_blob_cuts.py (the ``blob_store`` fixture).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from sync.client.enrol import enrol
from sync.server import devices as device_store
from sync.server import orgs
from sync.server.blobs import Blobs
from sync.server.blobstore_s3 import (
    ENV_BUCKET,
    ENV_ENDPOINT,
    ENV_PREFIX,
    ENV_REGION,
    S3Settings,
    S3Storage,
    make_client,
)
from sync.server.db import make_engine
from sync.server.service import HeadOffice
from tests.sync.blobsupport import Tus, held_bytes, missing_of, noisy_jpeg, ref_for, storage
from tests.sync.hq import HeadOfficeFixture, meeting
from tests.sync.net import free_port
from testsupport.memory_state import MemoryState
from testsupport.throwaway_s3 import ACCESS_KEY, SECRET_KEY, S3Server


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Credentials as production passes them: boto3's standard environment variables."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for variable in (ENV_BUCKET, ENV_ENDPOINT, ENV_PREFIX, ENV_REGION):
        # setenv first so the value is restored (or removed) afterwards: cli.main sets these.
        monkeypatch.setenv(variable, "")
        monkeypatch.delenv(variable)


@contextlib.contextmanager
def _serve(args: list[str], env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_port()
    cmd = [sys.executable, "-m", "sync.server.cli", *args, "serve", "--host", "127.0.0.1", "--port", str(port),
           "--requests-per-minute", "0", "--log-level", "warning"]
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, log.read_text()
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                    break
            assert time.monotonic() < deadline, "head office did not come up"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


def test_serve_with_s3_options_keeps_attachments_in_the_bucket(
        s3_server: S3Server, aws_env: None, tmp_path: Path) -> None:
    db, keys, staging = tmp_path / "hq.sqlite3", tmp_path / "hq.keys", tmp_path / "staging"
    office = HeadOffice.open(make_engine(f"sqlite:///{db}"), key_file=keys)
    office.call(orgs.add_unit, "集团党委", "group", None, "g")
    office.call(orgs.add_unit, "第一支部", "branch", "g", "b1")
    code, _, _ = office.call(device_store.create_enrol_code, "b1", 1.0)
    bucket = s3_server.new_bucket()
    args = ["--db", str(db), "--key-file", str(keys), "--blobs", str(staging),
            "--s3-bucket", bucket, "--s3-endpoint", s3_server.endpoint_url, "--s3-prefix", "hq"]
    with _serve(args, dict(os.environ), tmp_path / "serve.log") as base:
        state = MemoryState(author="clerk")
        creds, reply = enrol(base, str(code), device_id=state.device_id, device_name="办公室电脑",
                             signing_key=state.signing_key())
        state.save_enrolment(creds, reply)
        photo = noisy_jpeg(600_000, seed=9)
        ref = ref_for(photo, "主题党日.jpg")
        from sync.client.engine import SyncEngine

        state.create("meeting", {"meeting_type": "party_congress", "title": "主题党日", "attachments": [ref],
                                 "starts_at": "2026-10-15T09:00:00"})
        SyncEngine(state.sync, base, token=creds.token).sync_once()
        tus = Tus(base, creds.token)
        assert tus.create(ref["sha256"], len(photo)).status_code == 201
        assert tus.patch(ref["sha256"], 0, photo[:250_000]).headers["Upload-Offset"] == "250000"
        # Mid-upload the bytes are only in the staging directory, never half in the bucket.
        sha = ref["sha256"]
        assert (staging / "b1" / sha[:2] / f"{sha}.part").stat().st_size == 250_000
        client = make_client(S3Settings(bucket=bucket, endpoint_url=s3_server.endpoint_url))
        assert client.list_objects_v2(Bucket=bucket).get("KeyCount") == 0
        assert tus.patch(sha, 250_000, photo[250_000:]).status_code == 204
        assert tus.get(sha).content == photo
        assert tus.get(sha, Range="bytes=100-199").content == photo[100:200]
    keys_held = sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys_held == [f"hq/b1/{sha[:2]}/{sha}", f"hq/b1/{sha[:2]}/{sha}.thumb"]
    assert client.get_object(Bucket=bucket, Key=f"hq/b1/{sha[:2]}/{sha}")["Body"].read() == photo
    assert [p for p in staging.rglob("*") if p.is_file()] == []
    # Credentials never reached the command line: they came from the environment.
    assert SECRET_KEY not in " ".join(args)


def test_serve_refuses_a_bucket_it_cannot_use(s3_server: S3Server, aws_env: None, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from sync.server import cli

    code = cli.main(["--db", str(tmp_path / "hq.sqlite3"), "--key-file", str(tmp_path / "hq.keys"),
                     "--s3-bucket", "no-such-bucket", "--s3-endpoint", s3_server.endpoint_url,
                     "serve", "--port", str(free_port())])
    assert code != 0
    assert "no-such-bucket" in capsys.readouterr().err
    assert os.environ[ENV_BUCKET] == "no-such-bucket"  # (what serve's workers would read; restored after)


def test_a_large_blob_goes_up_in_parts_and_is_read_back_by_range(
        s3_server: S3Server, aws_env: None, tmp_path: Path) -> None:
    from sync.server.blobstore_s3 import MULTIPART_THRESHOLD

    settings = S3Settings(bucket=s3_server.new_bucket(), endpoint_url=s3_server.endpoint_url)
    store = S3Storage(tmp_path / "staging", settings)
    store.check()
    data = os.urandom(MULTIPART_THRESHOLD + 3 * 1024 * 1024)
    sha = "ab" * 32
    assert store.create("b1", sha) == 0
    for start in range(0, len(data), 1024 * 1024):
        appender = store.open_append("b1", sha, start)
        appender.write(data[start:start + 1024 * 1024])
        appender.close()
    assert store.partial_size("b1", sha) == len(data) and not store.has("b1", sha)
    store.complete("b1", sha)
    head = store.client.head_object(Bucket=settings.bucket, Key=store.key("b1", sha))
    assert head["ETag"].strip('"').endswith("-2")  # a multipart object of two parts
    assert store.has("b1", sha) and store.partial_size("b1", sha) is None
    assert b"".join(store.read_range("b1", sha, 0, len(data) - 1)) == data
    assert b"".join(store.read_range("b1", sha, 5_000_000, 9_000_000)) == data[5_000_000:9_000_001]
    with pytest.raises(ValueError):
        store.key("../b2", sha)


def test_the_bucket_is_chosen_by_environment(s3_server: S3Server, aws_env: None, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}")
    assert not isinstance(Blobs.for_engine(engine).storage, S3Storage)  # no bucket: the directory
    monkeypatch.setenv(ENV_BUCKET, "attachments")
    monkeypatch.setenv(ENV_ENDPOINT, s3_server.endpoint_url)
    monkeypatch.setenv(ENV_PREFIX, "/dw/hq/")
    storage = Blobs.for_engine(engine, tmp_path / "staging").storage
    assert isinstance(storage, S3Storage)
    assert storage.bucket == "attachments" and storage.settings.prefix == "dw/hq/"
    assert storage.staging.root == tmp_path / "staging"


@pytest.mark.parametrize("blob_store", ["s3"], indirect=True)
def test_a_bucket_outage_while_linking_costs_the_laptop_no_resend(
        hq_sqlite: HeadOfficeFixture, blob_store: str) -> None:
    """The bucket is down when the last byte arrives: the laptop's queue (the real client) gets a
    5xx, head office keeps the complete partial, and once the bucket is back the queue's next run
    links it with a POST — no byte of the file crosses the link again."""
    from domain.attachments import AttachmentRole
    from sync.client.blobs import BlobQueue

    hq = hq_sqlite
    hq.replica_kind = "store"
    laptop = hq.device("b1")
    blobs = laptop.state.store.blobs  # type: ignore[union-attr]
    photo = noisy_jpeg(300_000, seed=12)
    ref = blobs.put_bytes(photo, "先锋岗.jpg", downscale=False, role=AttachmentRole.PHOTO)
    laptop.state.create("meeting", meeting("主题党日", attachments=[ref.model_dump(mode="json")]))
    laptop.sync()
    transport = laptop.engine.transport
    queue = BlobQueue(blobs, sleep=lambda _s: None)
    queue.bind(transport.base_url, transport.session, transport.token, transport.verify, (5.0, 10.0))
    assert hq.office.blobs is not None
    store = hq.office.blobs.storage
    assert isinstance(store, S3Storage)

    store.client.delete_bucket(Bucket=store.bucket)
    first = queue.run(missing_of(hq, laptop))
    assert first.bytes_up >= len(photo)
    assert missing_of(hq, laptop) == [ref.sha256]  # not linked: the bucket was down
    assert storage(hq).partial_size("b1", ref.sha256) == len(photo)  # but every byte is kept

    store.client.create_bucket(Bucket=store.bucket)
    second = queue.run(missing_of(hq, laptop))
    assert second.error is None and second.bytes_up == 0
    assert missing_of(hq, laptop) == []
    assert held_bytes(hq, "b1", ref.sha256) == photo
    assert storage(hq).files() == []  # the staging directory is empty again
