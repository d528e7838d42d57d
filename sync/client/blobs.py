"""The client's attachment queue: uploads what head office lacks, pulls what the clerk needs.

It runs after the record exchange (record changes never wait behind megabytes, sync-notes F10),
one blob at a time, over the engine's own HTTP session and token:

- **Upload** (tus core, docs/sync-protocol.md "Attachments"): for each digest of the reply's
  ``missing_blobs`` this device holds, ``HEAD`` gives the offset head office already has (another
  device of the branch may have sent it all: then nothing is sent), ``POST`` creates the upload,
  and ``PATCH`` sends chunks of 256 KiB–1 MiB read through the local store's ``BlobReader`` (the
  file is never in memory as a whole). After a cut the queue asks ``HEAD`` again and resumes from
  what head office fsynced, so bytes already received are not sent again. A 422 (head office
  refused the content) marks the blob refused on this device; it is never sent again.
- **Download**: in ``lazy`` mode (the default) the queue pulls the thumbnail of every referenced
  attachment it lacks, and :meth:`BlobQueue.fetch` pulls one full file when the clerk opens it;
  in ``full`` mode (offline use) it pulls every full file. A full pull resumes with ``Range``
  from the local partial (``BlobWriter.offset``) and is verified by the store on ``finish``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import requests

from domain.attachments import AttachmentRef
from domain.i18n import N_
from sync.client import errors
from sync.client.backoff import RetryPolicy
from sync.protocol.versions import PROTOCOL_HEADER

log = logging.getLogger(__name__)

MIN_CHUNK = 256 * 1024
MAX_CHUNK = 1024 * 1024
READ_CHUNK = 256 * 1024  # download pieces handed to the writer
TUS_VERSION = "1.0.0"
DownloadMode = Literal["lazy", "full"]
DOWNLOAD_MODES: tuple[DownloadMode, ...] = ("lazy", "full")


class BlobReader(Protocol):
    @property
    def size(self) -> int: ...

    def read(self, offset: int, n: int) -> bytes: ...

    def close(self) -> None: ...


class BlobWriter(Protocol):
    @property
    def offset(self) -> int: ...

    def append(self, chunk: bytes) -> Any: ...

    def finish(self) -> Any: ...

    def close(self) -> None: ...


class LocalBlobs(Protocol):
    """What the queue needs of the client's encrypted blob store (desktop_app/store/blobs.py)."""

    def has(self, sha256: str) -> bool: ...

    def open_reader(self, sha256: str) -> BlobReader: ...

    def begin_download(self, ref: AttachmentRef) -> BlobWriter: ...

    def put_thumbnail(self, sha256: str, data: bytes) -> None: ...

    def thumbnail(self, sha256: str) -> bytes | None: ...


class _Window:
    """``n`` bytes of a blob from ``offset`` as a request body read piece by piece (http.client reads
    16 KiB blocks): a chunk is never built in memory, only the store's current 64 KiB segment is.
    ``len()`` gives requests the Content-Length head office requires."""

    def __init__(self, reader: BlobReader, offset: int, n: int) -> None:
        self.reader, self.start, self.n, self.sent = reader, offset, n, 0

    def __len__(self) -> int:
        return self.n

    def read(self, size: int = -1) -> bytes:
        left = self.n - self.sent
        size = left if size is None or size < 0 else min(size, left)
        if size <= 0:
            return b""
        data = self.reader.read(self.start + self.sent, size)
        self.sent += len(data)
        return data


@dataclass
class BlobStats:
    uploaded: int = 0  # blobs head office now holds because of this run
    held_at_hq: list[str] = field(default_factory=list)  # digests of missing_blobs head office now holds
    already_held: int = 0  # head office had them (another device, or an earlier run)
    refused: list[str] = field(default_factory=list)  # digests head office refused (422)
    bytes_up: int = 0  # PATCH bodies handed to the socket, all attempts
    resumed: int = 0  # times an upload or download resumed after a failure
    thumbnails: int = 0
    downloaded: int = 0
    bytes_down: int = 0
    pending: list[str] = field(default_factory=list)  # missing digests left for a later run
    failed: list[str] = field(default_factory=list)  # local store errors (a damaged copy, a bad download)
    error: str | None = None


class BlobRefused(errors.SyncError):
    """Head office refused the attachment's content; it will not be sent again."""

    message = N_("总部拒收了这个附件")


class BlobQueue:
    """Serial upload/download of attachments for one device (run it in the sync worker)."""

    def __init__(
        self,
        local: LocalBlobs,
        *,
        wanted: Callable[[], Iterable[AttachmentRef]] = lambda: (),
        mode: DownloadMode = "lazy",
        on_refused: Callable[[str, str], None] | None = None,
        retry: RetryPolicy | None = None,
        chunk: int = MIN_CHUNK,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if mode not in DOWNLOAD_MODES:
            raise ValueError(f"download mode must be one of {DOWNLOAD_MODES}")
        self.local = local
        self.wanted = wanted  # AttachmentRefs referenced by this device's records
        self.mode: DownloadMode = mode
        self.on_refused = on_refused
        self.retry = retry or RetryPolicy()
        self.chunk = min(MAX_CHUNK, max(MIN_CHUNK, chunk))
        self._sleep = sleep
        self.refused: set[str] = set()
        self.base_url = ""
        self.session: requests.Session | None = None
        self.token: str | None = None
        self.verify: str | bool = True
        self.timeout: tuple[float, float] = (15.0, 60.0)

    def bind(self, base_url: str, session: requests.Session, token: str | None, verify: str | bool,
             timeout: tuple[float, float]) -> None:
        """Use the engine's connection (called by SyncEngine before each run)."""
        self.base_url, self.session, self.token, self.verify, self.timeout = base_url, session, token, verify, timeout

    # ------------------------------------------------------------------ HTTP

    def _url(self, sha256: str, tail: str = "") -> str:
        return f"{self.base_url}/v1/blobs/{sha256}{tail}"

    def _call(self, method: str, url: str, *, headers: dict[str, str] | None = None, data: Any = None,
              stream: bool = False) -> requests.Response:
        if self.session is None:
            raise errors.NotEnrolled()
        sent = {"Tus-Resumable": TUS_VERSION, **(headers or {})}
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        try:
            response = self.session.request(method, url, headers=sent, data=data, timeout=self.timeout,
                                            verify=self.verify, stream=stream, allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            raise errors.TlsError(detail=str(exc)) from exc
        except requests.exceptions.RequestException as exc:
            raise errors.NetworkError(detail=str(exc)) from exc
        if PROTOCOL_HEADER not in response.headers:
            response.close()
            if response.status_code in (502, 503, 504):
                raise errors.ServerUnavailable(detail=f"HTTP {response.status_code} from a proxy")
            raise errors.CaptivePortal(detail=f"HTTP {response.status_code} without the protocol header")
        status = response.status_code
        if status == 401:
            response.close()
            raise errors.AuthenticationFailed(code="unauthorized")
        if status == 403:
            response.close()
            raise errors.DeviceRevoked(code="device_revoked")
        if status in (408, 429) or (status >= 500 and status != 507):  # 507: the branch's blob quota
            response.close()
            raise errors.ServerUnavailable(detail=f"HTTP {status}")
        return response

    def _retrying(self, step: Callable[[], Any]) -> Any:
        for attempt in range(1, self.retry.attempts + 1):
            try:
                return step()
            except (errors.NetworkError, errors.ServerUnavailable):
                if attempt >= self.retry.attempts:
                    raise
                self._sleep(self.retry.delay(attempt))
        raise AssertionError("unreachable")

    def _head(self, sha256: str) -> tuple[int, int] | None:
        """(offset, length) head office reports, or None if it does not take this digest (404)."""
        response = self._call("HEAD", self._url(sha256))
        response.close()
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise errors.RequestRejected(detail=f"HEAD HTTP {response.status_code}")
        return int(response.headers["Upload-Offset"]), int(response.headers["Upload-Length"])

    # ------------------------------------------------------------------ upload

    def upload(self, sha256: str, stats: BlobStats) -> bool:
        """Bring head office to hold ``sha256`` completely; False if it does not take it."""
        reader = self.local.open_reader(sha256)
        try:
            return self._upload(sha256, reader, stats)
        finally:
            reader.close()

    def _upload(self, sha256: str, reader: BlobReader, stats: BlobStats) -> bool:
        # POST is idempotent at head office: it creates the upload or reports what is held already
        # (all of it, when another device of the branch sent it), so one round trip replaces HEAD+POST.
        created = self._retrying(lambda: self._create(sha256, reader.size))
        if created is None:
            return False
        offset, length = created, reader.size
        if offset >= length:
            stats.already_held += 1
            return True
        chunk = self.chunk
        failures = 0
        while offset < length:
            n = min(chunk, length - offset)
            try:
                offset = self._patch(sha256, offset, _Window(reader, offset, n), stats)
                failures = 0
                chunk = min(MAX_CHUNK, chunk * 2)  # the link carries this much: try more per request
                self.chunk = chunk  # and the next file starts there
            except (errors.NetworkError, errors.ServerUnavailable):
                failures += 1
                stats.resumed += 1
                if failures >= self.retry.attempts:
                    raise
                chunk = self.chunk = max(MIN_CHUNK, chunk // 2)
                self._sleep(self.retry.delay(failures))
                state = self._retrying(lambda: self._head(sha256))
                if state is None:
                    return False
                offset = state[0]
        stats.uploaded += 1
        return True

    def _create(self, sha256: str, length: int) -> int | None:
        """The offset head office holds after creating (or finding) the upload; None: it does not take
        this digest (404: not referenced by an accepted revision of the branch, yet)."""
        response = self._call("POST", self._url(sha256), headers={"Upload-Length": str(length)})
        answer = _json(response) if response.status_code not in (200, 201, 404) else {}
        response.close()
        if response.status_code == 404:
            return None
        if response.status_code not in (200, 201):
            # 400: head office expects another size than the store holds (a tampered reference);
            # 507: the branch's attachment quota at head office is full (blob_quota_exceeded) — the
            # file stays here and is offered again by the next sync
            message, code = errors.shown_reply(answer), str(answer.get("code", ""))
            raise errors.RequestRejected(message, detail=f"POST HTTP {response.status_code}", code=code)
        return int(response.headers["Upload-Offset"])

    def _patch(self, sha256: str, offset: int, body: _Window, stats: BlobStats) -> int:
        headers = {"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream",
                   "Content-Length": str(len(body))}
        try:
            response = self._call("PATCH", self._url(sha256), headers=headers, data=body)
        finally:
            stats.bytes_up += body.sent
        try:
            status = response.status_code
            if status == 204:
                return int(response.headers["Upload-Offset"])
            if status == 409 and "Upload-Offset" in response.headers:
                return int(response.headers["Upload-Offset"])  # head office holds more (or less): go on from there
            answer = _json(response)
            message, code = errors.shown_reply(answer), str(answer.get("code", ""))
            if status == 422:
                raise BlobRefused(message, code=code)
            raise errors.RequestRejected(message, detail=f"PATCH HTTP {status}", code=code)
        finally:
            response.close()

    # ------------------------------------------------------------------ download

    def fetch_thumbnail(self, sha256: str, stats: BlobStats) -> bool:
        def step() -> bytes | None:
            response = self._call("GET", self._url(sha256, "/thumbnail"))
            try:
                if response.status_code != 200:
                    return None
                return response.content
            except requests.exceptions.RequestException as exc:
                raise errors.NetworkError(detail=str(exc)) from exc
            finally:
                response.close()

        data = self._retrying(step)
        if data is None:
            return False
        self.local.put_thumbnail(sha256, data)
        stats.thumbnails += 1
        stats.bytes_down += len(data)
        return True

    def fetch(self, ref: AttachmentRef, stats: BlobStats | None = None) -> bool:
        """Pull one full file (the clerk opened it, or ``full`` mode); resumes a partial; verified."""
        stats = stats or BlobStats()
        writer = self.local.begin_download(ref)
        failures = 0
        try:
            while writer.offset < ref.size:
                try:
                    if not self._get_range(ref.sha256, writer, stats):
                        return False
                    failures = 0
                except (errors.NetworkError, errors.ServerUnavailable):
                    failures += 1
                    stats.resumed += 1
                    if failures >= self.retry.attempts:
                        raise
                    self._sleep(self.retry.delay(failures))
            writer.finish()  # verifies (every segment, sha256, check_content) or discards and raises
        finally:
            writer.close()
        stats.downloaded += 1
        return True

    def _get_range(self, sha256: str, writer: BlobWriter, stats: BlobStats) -> bool:
        headers = {"Range": f"bytes={writer.offset}-"} if writer.offset else {}
        response = self._call("GET", self._url(sha256), headers=headers, stream=True)
        try:
            if response.status_code == 404:
                return False
            if response.status_code not in (200, 206) or (writer.offset and response.status_code != 206):
                raise errors.RequestRejected(detail=f"GET HTTP {response.status_code}")
            try:
                for piece in response.iter_content(chunk_size=READ_CHUNK):
                    writer.append(piece)
                    stats.bytes_down += len(piece)
            except requests.exceptions.RequestException as exc:
                raise errors.NetworkError(detail=f"download interrupted: {exc}") from exc
        finally:
            response.close()
        return True

    # ------------------------------------------------------------------ the run

    def unsent(self, missing: Sequence[str], stats: BlobStats) -> list[str]:
        """The digests head office still lacks after ``run`` (附件未上传完 on this device)."""
        held = set(stats.held_at_hq)
        return [sha for sha in missing if sha not in held]

    def run(self, missing: Sequence[str]) -> BlobStats:
        """Upload the missing digests this device holds, then pull per ``mode``. Never raises a
        network error: what is left is in ``stats.pending`` for the next sync."""
        stats = BlobStats()
        try:
            for sha256 in missing:
                if sha256 in self.refused or not self.local.has(sha256):
                    continue
                try:
                    if self.upload(sha256, stats):
                        stats.held_at_hq.append(sha256)
                    else:
                        stats.pending.append(sha256)
                except BlobRefused as exc:
                    self.refused.add(sha256)
                    stats.refused.append(sha256)
                    if self.on_refused is not None:
                        self.on_refused(sha256, exc.message)
                except errors.SyncError:
                    raise
                except Exception as exc:  # the local copy cannot be read (damaged): reported, the rest goes on
                    log.warning("attachment %s not uploaded: %s", sha256, exc)
                    stats.failed.append(sha256)
            missing_set = set(missing)
            for ref in self.wanted():
                if ref.sha256 in missing_set or self.local.has(ref.sha256):
                    continue  # head office lacks it too, or it is here already
                try:
                    if self.mode == "full":
                        self.fetch(ref, stats)
                    elif ref.is_image and self.local.thumbnail(ref.sha256) is None:
                        self.fetch_thumbnail(ref.sha256, stats)
                except errors.SyncError:
                    raise
                except Exception as exc:  # what arrived failed verification: discarded by the store, reported
                    log.warning("attachment %s not downloaded: %s", ref.sha256, exc)
                    stats.failed.append(ref.sha256)
        except errors.SyncError as exc:
            if not exc.retryable and not isinstance(exc, errors.RequestRejected):
                raise
            stats.error = exc.message
            stats.pending = [s for s in missing if s not in self.refused]
            log.warning("attachments left for the next sync: %s", exc)
        return stats


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        parsed = response.json()
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
