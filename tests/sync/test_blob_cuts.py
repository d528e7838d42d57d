"""The client's attachment queue over a link the real fault proxy cuts at random byte offsets.

A branch laptop (the real encrypted store and its blob store) pushes a record with photos, then its
queue uploads them through ``CuttingProxy`` while the proxy cuts the upload at a random byte offset
again and again (50 cuts by default, 150 with ``--full-counts``). Head office must end with
byte-identical files, and the bytes that crossed the proxy must be the payload plus at most one
chunk per cut (and the requests' headers): nothing head office already received is sent again.
A second laptop of the branch then pulls thumbnails (lazy mode) and full files with cuts on the
way down, resuming by Range.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from domain.attachments import AttachmentRole
from sync.client.backoff import RetryPolicy
from sync.client.blobs import MIN_CHUNK, BlobQueue
from tests.sync.blobsupport import held_bytes, missing_of, noisy_jpeg, stored_files
from tests.sync.hq import Device, HeadOfficeFixture, meeting
from tests.sync.net import CuttingProxy

# Each test runs with head office's files in a directory and in an S3 bucket (tests/sync/conftest.py).
pytestmark = pytest.mark.usefixtures("blob_store")

HEADER_ALLOWANCE = 1024  # request line + headers of one tus request, generously


def _queue(device: Device, **options: Any) -> BlobQueue:
    transport = device.engine.transport
    blobs = device.state.store.blobs  # type: ignore[union-attr]
    queue = BlobQueue(blobs, sleep=lambda _s: None, **options)
    queue.bind(transport.base_url, transport.session, transport.token, transport.verify, (5.0, 10.0))
    return queue


def test_uploads_resume_after_random_cuts_and_nothing_is_sent_twice(
        hq_sqlite: HeadOfficeFixture, request: pytest.FixtureRequest) -> None:
    hq = hq_sqlite
    full = bool(request.config.getoption("--full-counts"))
    cuts_wanted, photos = (150, 6) if full else (50, 3)
    rng = random.Random(20261414)
    proxy = CuttingProxy(hq.server.port)
    try:
        hq.replica_kind = "store"
        device = hq.device("b1", base_url=f"http://127.0.0.1:{proxy.port}")
        blobs = device.state.store.blobs  # type: ignore[union-attr]
        originals = [noisy_jpeg(rng.randint(500_000, 900_000), seed=i) for i in range(photos)]
        refs = [blobs.put_bytes(data, f"植树{i}.jpg", downscale=False, role=AttachmentRole.PHOTO)
                for i, data in enumerate(originals)]
        device.state.create("meeting", meeting("主题党日：义务植树",
                                               attachments=[r.model_dump(mode="json") for r in refs]))
        device.sync()  # the record goes first, without its files
        missing = missing_of(hq, device)
        assert sorted(missing) == sorted(r.sha256 for r in refs)
        payload = sum(len(d) for d in originals)

        queue = _queue(device, retry=RetryPolicy(attempts=1))  # a cut ends the run; the next one resumes
        proxy.proxy.reset()
        mean_gap = payload // cuts_wanted
        runs = sent = 0
        while True:
            runs += 1
            assert runs < cuts_wanted * 4, "the queue makes no progress"
            if proxy.cuts < cuts_wanted:
                proxy.arm(up=rng.randint(1, 2 * mean_gap))
            stats = queue.run(missing)
            sent += stats.bytes_up
            if stats.error is None and not stats.pending:
                break
        proxy.arm()
        cuts = proxy.cuts
        assert cuts >= cuts_wanted
        over_the_wire = proxy.proxy.stats()
        requests_made = over_the_wire.requests
        # Each byte at most once, plus one chunk per cut (and every request's headers).
        assert over_the_wire.bytes_up <= payload + cuts * MIN_CHUNK + requests_made * HEADER_ALLOWANCE
        assert sent - payload <= cuts * MIN_CHUNK
        for ref, data in zip(refs, originals, strict=True):
            assert held_bytes(hq, "b1", ref.sha256) == data
        assert not [f for f in stored_files(hq) if f.endswith(".part")]  # no partial left behind
        assert missing_of(hq, device) == []
    finally:
        proxy.close()


def test_second_laptop_pulls_thumbnails_lazily_and_full_files_through_cuts(hq_sqlite: HeadOfficeFixture) -> None:
    hq = hq_sqlite
    hq.replica_kind = "store"
    first = hq.device("b1", name="一号")
    blobs = first.state.store.blobs  # type: ignore[union-attr]
    originals = [noisy_jpeg(400_000 + i * 50_000, seed=40 + i) for i in range(2)]
    refs = [blobs.put_bytes(d, f"党课{i}.jpg", downscale=False, role=AttachmentRole.PHOTO)
            for i, d in enumerate(originals)]
    first.state.create("meeting", meeting("党课", attachments=[r.model_dump(mode="json") for r in refs]))
    first.engine.blobs = _queue(first)
    run = first.sync().blobs
    assert run is not None and run.uploaded == 2

    proxy = CuttingProxy(hq.server.port)
    try:
        second = hq.device("b1", name="二号", base_url=f"http://127.0.0.1:{proxy.port}")
        second.sync()  # the record arrives; its files do not
        theirs = second.state.store.blobs  # type: ignore[union-attr]
        lazy = _queue(second, wanted=lambda: refs, mode="lazy")
        stats = lazy.run([])
        assert stats.thumbnails == 2 and stats.downloaded == 0
        assert all(theirs.thumbnail(r.sha256) and not theirs.has(r.sha256) for r in refs)

        full = _queue(second, wanted=lambda: refs, mode="full", retry=RetryPolicy(attempts=8, base=0.0, cap=0.0))
        for ref in refs:  # each pull is cut on the way down and resumed by Range
            proxy.arm(down=ref.size // 3)
            if ref is refs[-1]:
                assert full.run([]).downloaded == 1  # full mode pulls what the clerk did not open
            else:
                assert full.fetch(ref)  # the clerk opened this one
        assert proxy.cuts >= 2
        for ref, data in zip(refs, originals, strict=True):
            assert theirs.has(ref.sha256) and theirs.read_all(ref.sha256) == data
    finally:
        proxy.close()


def test_two_laptops_uploading_the_same_photo_at_once_store_it_once(hq_sqlite: HeadOfficeFixture) -> None:
    """Appends of one blob are serialized at head office; a laptop whose offset went stale gets a 409
    with the offset held and goes on from there, so the file ends byte-identical and is sent about once."""
    import threading

    hq = hq_sqlite
    hq.replica_kind = "store"
    photo = noisy_jpeg(1_500_000, seed=77)
    laptops = [hq.device("b1", name=f"电脑{i}") for i in range(2)]
    queues = []
    for laptop in laptops:
        ref = laptop.state.store.blobs.put_bytes(photo, "集体照.jpg", downscale=False,  # type: ignore[union-attr]
                                                 role=AttachmentRole.PHOTO)
        laptop.state.create("meeting", meeting("主题党日", attachments=[ref.model_dump(mode="json")]))
        laptop.sync()
        queues.append(_queue(laptop))
    results: list[Any] = [None, None]
    start = threading.Barrier(2)

    def upload(i: int) -> None:
        start.wait()
        results[i] = queues[i].run([ref.sha256])

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(r is not None and r.error is None and not r.pending for r in results), results
    assert held_bytes(hq, "b1", ref.sha256) == photo
    assert missing_of(hq, laptops[0]) == []
    sent = sum(r.bytes_up for r in results)
    assert sent <= len(photo) + 2 * 1024 * 1024  # at most the chunk each had in flight when the other won
