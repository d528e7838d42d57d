"""Attachment upload benchmark: photos over a slow link that is cut, through the real queue.

``python -m bench attachments --json`` prints one JSON object (issue 14's figures):

* ``bytes_on_wire / payload_bytes`` — everything that crossed the proxy both ways during the
  blob phase (request lines, headers, HEAD/POST/PATCH replies, bodies) over the photos' bytes
  (target ≤ 1.05);
* ``resend_bytes_per_cut`` — upload bytes of the cut run minus those of an uncut run of the same
  photos measured in the same process (another branch, so head office's per-branch dedup does not
  hide anything), per cut;
* ``wall_s`` against ``floor_s`` = payload ÷ uplink bandwidth (the link's own limit);
* ``client_peak_alloc_bytes`` — the client's peak Python allocation (tracemalloc) while sending,
  against the largest photo: the queue reads through ``BlobReader`` one chunk at a time, so it must
  stay well under one file.

Set-up, as in bench/sync.py: ``branch-ledger-hq serve`` in its own process on SQLite, the shaping
proxy in its own process (bench/proxy.py; RTT 600 ms, 2 Mbit/s each way), the client here: a real
encrypted store, its blob store and ``BlobQueue`` driven by ``SyncEngine.sync_once``. The photos
are real JPEGs of 3–5 MB (noise, so they do not compress), kept as they are (no downscaling: the
issue's figure is about originals). Cuts are armed at random byte offsets spread over the upload.

Options: ``--photos N`` (4; the issue's figure is ``--full``: 30) ``--cuts N`` (5) ``--rtt-ms``
(600) ``--mbit`` (2) ``--min-mb``/``--max-mb`` (3, 5) ``--seed N``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import tempfile
import threading
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.proxy import LinkProfile, ProxyProcess
from bench.sync import PASS, head_office, hq_cli, log


@dataclass
class Options:
    photos: int = 4
    cuts: int = 5
    rtt_ms: float = 600.0
    mbit: float = 2.0
    min_mb: float = 3.0
    max_mb: float = 5.0
    seed: int = 1414


def parse_options(args: list[str]) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench attachments")
    parser.add_argument("--photos", type=int, default=None)
    parser.add_argument("--full", action="store_true", help="the issue's figure: 30 photos")
    parser.add_argument("--cuts", type=int, default=5)
    parser.add_argument("--rtt-ms", type=float, default=600.0)
    parser.add_argument("--mbit", type=float, default=2.0)
    parser.add_argument("--min-mb", type=float, default=3.0)
    parser.add_argument("--max-mb", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1414)
    ns = parser.parse_args(args)
    photos = ns.photos if ns.photos is not None else (30 if ns.full else 4)
    return Options(photos, ns.cuts, ns.rtt_ms, ns.mbit, ns.min_mb, ns.max_mb, ns.seed)


def photo(n_bytes: int, rng: random.Random) -> bytes:
    """A real 4:3 JPEG of about ``n_bytes`` (noise at quality 90 costs ~0.9 byte per pixel)."""
    from PIL import Image

    pixels = n_bytes / 0.9
    width = int((pixels * 4 / 3) ** 0.5)
    height = int(width * 3 / 4)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


class CutArmer:
    """Arms ``cuts`` cuts one after another at random offsets spread over ``span`` upload bytes."""

    def __init__(self, proxy: ProxyProcess, cuts: int, span: int, rng: random.Random) -> None:
        self.proxy, self.left, self.rng = proxy, cuts, rng
        self.gap = max(1, span // (cuts + 1))
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _arm(self) -> None:
        self.proxy.arm_drop(up=self.rng.randint(self.gap // 2, self.gap * 3 // 2))

    def _run(self) -> None:
        fired = self.proxy.stats().drops
        self._arm()
        while not self.stop.wait(0.2):
            drops = self.proxy.stats().drops
            if drops > fired:
                fired = drops
                self.left -= 1
                if self.left <= 0:
                    return
                self._arm()

    def __enter__(self) -> CutArmer:
        if self.left > 0:
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join(5)
        self.proxy.arm_drop()  # nothing armed afterwards


def _device(tmp: Path, name: str, db: str, branch: str, url: str, files: list[bytes]) -> tuple[Any, Any, list[Any]]:
    """A branch laptop's store enrolled through the proxy, holding ``files`` in a meeting."""
    from desktop_app.store import KdfParams, Store
    from desktop_app.store.sync_state import StoreSyncState, enrol_store
    from domain.attachments import AttachmentRole

    code = json.loads(hq_cli(db, "enrol-code", "--branch", branch, "--json"))["code"]
    store, _ = Store.create(tmp / name, PASS, kdf=KdfParams.fast_for_tests())
    enrol_store(store, url, code, device_name=name)
    refs = [store.blobs.put_bytes(data, f"主题党日{i:02d}.jpg", downscale=False, role=AttachmentRole.PHOTO)
            for i, data in enumerate(files)]
    with store.transaction():
        store.records.create("meeting", {"meeting_type": "theme_day", "title": "主题党日：森林防火宣传",
                                         "starts_at": "2026-11-20T09:00:00",
                                         "attachments": [r.model_dump(mode="json") for r in refs]}, author="bench")
    return store, StoreSyncState(store), refs


def _upload(state: Any, store: Any, url: str, proxy: ProxyProcess, *, cuts: int, span: int,
            rng: random.Random) -> dict[str, Any]:
    """Records first (not measured), then the blob phase through ``SyncEngine`` with its queue."""
    from sync.client.backoff import RetryPolicy
    from sync.client.blobs import BlobQueue
    from sync.client.engine import SyncEngine

    engine = SyncEngine(state, url)
    try:
        engine.sync_once()  # the record; its photos wait for the queue
    finally:
        engine.close()
    queue = BlobQueue(store.blobs, retry=RetryPolicy(attempts=8, base=0.2, cap=2.0))
    engine = SyncEngine(state, url, blobs=queue)
    try:
        proxy.reset()
        tracemalloc.start()
        tracemalloc.reset_peak()
        started = time.perf_counter()
        with CutArmer(proxy, cuts, span, rng):
            stats = engine.sync_once()
        wall = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        net = proxy.stats()
    finally:
        engine.close()
    blob_stats = stats.blobs
    if blob_stats is None or blob_stats.error or blob_stats.pending:
        raise RuntimeError(f"upload incomplete: {blob_stats}")
    return {"wall_s": round(wall, 2), "bytes_up": net.bytes_up, "bytes_down": net.bytes_down,
            "requests": net.requests, "connections": net.connections, "cuts": net.drops,
            "uploaded": blob_stats.uploaded, "resumed": blob_stats.resumed, "client_peak_alloc_bytes": peak}


def run(args: list[str]) -> dict[str, Any]:
    opts = parse_options(args)
    rng = random.Random(opts.seed)
    sizes = [int(rng.uniform(opts.min_mb, opts.max_mb) * 1_000_000) for _ in range(opts.photos)]
    log(f"attachments: making {opts.photos} photos …")
    files = [photo(n, rng) for n in sizes]
    payload = sum(len(f) for f in files)
    slow = LinkProfile.slow(opts.rtt_ms, opts.mbit)
    with tempfile.TemporaryDirectory(prefix="bench-attachments-") as tmp_name:
        tmp = Path(tmp_name)
        db = str(tmp / "hq.sqlite3")
        hq_cli(db, "org", "add", "集团党委", "--kind", "group", "--id", "g")
        hq_cli(db, "org", "add", "第一支部", "--kind", "branch", "--parent", "g", "--id", "b1")
        hq_cli(db, "org", "add", "第二支部", "--kind", "branch", "--parent", "g", "--id", "b2")
        with head_office(db, tmp / "hq.log") as (port, _server):
            # The baseline: the same photos from another branch, uncut, over an unshaped link (the
            # byte counts do not depend on the link's speed).
            with ProxyProcess(port, LinkProfile()) as fast:
                store, state, _ = _device(tmp, "baseline", db, "b2", fast.url, files)
                try:
                    log("attachments: baseline upload (no cuts, loopback) …")
                    baseline = _upload(state, store, fast.url, fast, cuts=0, span=payload, rng=rng)
                finally:
                    store.close()
            with ProxyProcess(port, slow) as proxy:
                store, state, _ = _device(tmp, "forest-office", db, "b1", proxy.url, files)
                try:
                    log(f"attachments: upload over {slow.describe()} with {opts.cuts} cuts …")
                    cut = _upload(state, store, proxy.url, proxy, cuts=opts.cuts, span=payload, rng=rng)
                finally:
                    store.close()
        held = sum(len(names) for _, _, names in os.walk(tmp / "hq.sqlite3.blobs"))
        identical = _identical(tmp / "hq.sqlite3.blobs", files)
    floor = payload * 8 / (opts.mbit * 1e6)
    on_wire = cut["bytes_up"] + cut["bytes_down"]
    return {
        "link": slow.describe(),
        "photos": opts.photos,
        "payload_bytes": payload,
        "largest_photo_bytes": max(len(f) for f in files),
        "bytes_on_wire": on_wire,
        "bytes_on_wire_per_payload": round(on_wire / payload, 4),
        "target_bytes_on_wire_per_payload": 1.05,
        "cuts": cut["cuts"],
        "resend_bytes_per_cut": round((cut["bytes_up"] - baseline["bytes_up"]) / cut["cuts"]) if cut["cuts"] else None,
        "wall_s": cut["wall_s"],
        "floor_s": round(floor, 2),
        "wall_per_floor": round(cut["wall_s"] / floor, 3),
        "client_peak_alloc_bytes": cut["client_peak_alloc_bytes"],
        "client_peak_per_largest_photo": round(cut["client_peak_alloc_bytes"] / max(len(f) for f in files), 3),
        "head_office_files_identical": identical,
        "head_office_files": held,  # the photos of both branches, plus their thumbnails
        "cut_run": cut,
        "baseline_run": baseline,
    }


def _identical(root: Path, files: list[bytes]) -> bool:
    """Whether head office holds every photo byte for byte, in both branches."""
    import hashlib

    for data in files:
        sha = hashlib.sha256(data).hexdigest()
        for branch in ("b1", "b2"):
            path = root / branch / sha[:2] / sha
            if not path.is_file() or path.read_bytes() != data:
                return False
    return True
