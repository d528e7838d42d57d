"""The JSON messages of ``/v1`` as pydantic models, imported by both the client and the server.

One endpoint does both directions (sync-notes.md §6.6): a :class:`SyncRequest` carries the
cursor and a bounded batch of outbox changes; the :class:`SyncResponse` carries a result per
change, a page of this branch's changes since the cursor, the next cursor and, on the last page,
the branch checksum. Unknown fields are ignored on both ends so a newer peer can add fields
without breaking an older one; anything that changes meaning bumps ``protocol``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sync.protocol.versions import BASE_PROTOCOL

# Hard caps, shared so the client never builds a request the server will refuse.
MAX_PUSH_CHANGES = 500
DEFAULT_PAGE_BYTES = 64 * 1024
MAX_PAGE_BYTES = 1024 * 1024
DEFAULT_PAGE_ITEMS = 200
MAX_PAGE_ITEMS = 1000

# At least one character that is not a dot: "." and ".." would name a folder in a URL path (the
# console's /branches/{b}/records/{r}) and could never be opened there.
Id = Annotated[str, StringConstraints(min_length=1, max_length=64,
                                      pattern=r"^[A-Za-z0-9_.:-]*[A-Za-z0-9_:-][A-Za-z0-9_.:-]*$")]
Rev = Annotated[str, StringConstraints(min_length=3, max_length=80, pattern=r"^[0-9]+-[0-9a-f]+$")]
Short = Annotated[str, StringConstraints(max_length=200)]

ChangeStatus = Literal["accepted", "duplicate", "conflict", "rejected"]
RecordStatus = Literal["draft", "final"]


class WireModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=False)


MAX_COUNTER = 2**63 - 1  # device counters are stored as signed 64-bit integers

B64Key = Annotated[str, StringConstraints(min_length=40, max_length=60)]


class ClientInfo(WireModel):
    device_id: Id
    app_version: Short = ""
    schema_versions: dict[str, Annotated[int, Field(ge=0, le=1_000_000)]] = Field(default_factory=dict)
    # The head-office public key this device trusts now (protocol 1 addition, optional): when it is
    # not head office's current key, the reply carries the rotation chain (``server_keys``).
    server_key: B64Key | None = None


class Change(WireModel):
    """One revision from a device's outbox.

    ``parents`` is empty for a new record, ``[base_rev]`` for an edit and two or more revs for a
    merge; ``base_rev`` is the revision the clerk edited (kept for readability and logs — the
    server decides by ``parents``). ``rev`` must equal ``compute_rev`` of the content and
    ``sig`` must verify with the device key, or the change is rejected.
    """

    change_id: Id
    counter: int = Field(ge=1, le=MAX_COUNTER)
    record_id: Id
    kind: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    base_rev: Rev | None = None
    parents: list[Rev] = Field(default_factory=list, max_length=16)
    rev: Rev
    deleted: bool = False
    status: RecordStatus = "draft"
    schema_version: int = Field(default=1, ge=1, le=10_000)
    body: dict[str, Any] | None = None
    hlc: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    device_time: Annotated[str, StringConstraints(max_length=40)] = ""
    author: Short = ""
    sig: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    # Set when ``body`` travels without its default-valued fields (sync/protocol/compact.py): the
    # fingerprint of the defaults it was stripped under. Sent only to a head office that announced
    # the same fingerprint; head office expands the body before checking rev and signature.
    body_schema: Annotated[str, StringConstraints(max_length=40)] | None = None


class Limits(WireModel):
    """What the client wants per page; the server clamps to its own maxima."""

    max_bytes: int = Field(default=DEFAULT_PAGE_BYTES, ge=1024, le=MAX_PAGE_BYTES)
    max_items: int = Field(default=DEFAULT_PAGE_ITEMS, ge=1, le=MAX_PAGE_ITEMS)


class SyncRequest(WireModel):
    protocol: int = BASE_PROTOCOL
    client: ClientInfo
    cursor: Annotated[str, StringConstraints(max_length=1000)] | None = None
    hlc: Annotated[str, StringConstraints(max_length=120)] | None = None
    push: list[Change] = Field(default_factory=list, max_length=MAX_PUSH_CHANGES)
    limits: Limits = Field(default_factory=Limits)
    # Verify mode (sync-notes §6.13): pull this device's own revisions too, e.g. after an epoch
    # change or a checksum mismatch, when the device may lack what it once pushed.
    include_own: bool = False
    # The compact-body fingerprint this client can expand (sync/protocol/compact.py): head office
    # strips pulled bodies only when it is its own. Old clients send nothing and get full bodies.
    compact: Annotated[str, StringConstraints(max_length=40)] | None = None
    # The device runs an attachment queue (issue 14): the last page's reply lists missing_blobs.
    # Older clients, which cannot upload, never ask and are spared the list and its query.
    blobs: bool | None = None
    # Protocol 3, pipelined pages (issue 15): apply this page only after the one ending at this
    # outbox counter of the same device is committed (sync/server/ordering.py), and ``pull``
    # False: push only — the reply carries no changes and the cursor as sent (the pull stays
    # sequential: only the last page of a pipelined run pulls).
    after_counter: int | None = Field(default=None, ge=0)
    pull: bool | None = None


class ChangeResult(WireModel):
    """The outcome for one pushed change.

    accepted  — stored and now the current revision;
    duplicate — already stored earlier (a retry or an identical edit elsewhere); ``seq`` is the
                original one;
    conflict  — stored as an extra leaf (or a merge that leaves leaves open); ``current_rev`` is
                the version everyone sees, ``leaves`` the open alternatives;
    rejected  — not stored; ``code``/``message`` say why. The device keeps it as rejected.
    """

    change_id: str
    counter: int
    record_id: str
    rev: str
    status: ChangeStatus
    seq: int | None = None
    current_rev: str | None = None
    conflicted: bool = False
    leaves: list[str] = Field(default_factory=list)
    code: str | None = None
    message: str | None = None
    # The message's key when more precise than ``code``, and its values (sync/protocol/errors.py):
    # the device shows the message in the clerk's language; ``message`` is for older clients.
    reason: str | None = None
    params: dict[str, str | int | float] | None = None


class PulledChange(WireModel):
    """A revision of this branch that the device has not seen, with the record's head now."""

    seq: int
    record_id: str
    kind: str
    rev: str
    parents: list[str] = Field(default_factory=list)
    deleted: bool = False
    status: RecordStatus = "draft"
    schema_version: int = 1
    body: dict[str, Any] | None = None
    hlc: str = ""
    device_time: str = ""
    author: str = ""
    device_id: str | None = None  # None: written by head office
    sig: str = ""
    received_at: str = ""
    current_rev: str
    conflicted: bool = False
    leaves: list[str] = Field(default_factory=list)
    # Head office's attestation (signatures.attestation_bytes): proof that head office itself
    # delivers this revision to this branch, whoever wrote it. Clients check it for every change.
    hq_sig: str = ""
    body_schema: str | None = None  # the body is compact (see Change.body_schema)


class KeyRotation(WireModel):
    """``previous`` head-office key hands over to ``next``; signed by ``previous`` (rotation_bytes)."""

    previous: str
    next: str
    at: str
    sig: str


class ServerKeys(WireModel):
    """Head office's current public key and the chain of rotations that leads to it."""

    current: str
    chain: list[KeyRotation] = Field(default_factory=list)


class SyncResponse(WireModel):
    protocol: int = BASE_PROTOCOL
    server_time: str
    hlc: str
    epoch: str
    epoch_changed: bool = False
    results: list[ChangeResult] = Field(default_factory=list)
    changes: list[PulledChange] = Field(default_factory=list)
    cursor: str
    has_more: bool = False
    checksum: str | None = None  # only on the last page: the branch heads at ``cursor``
    retry_after: float | None = None
    server_keys: ServerKeys | None = None  # when the device's key is not the current one
    # On the last page (issue 14, sync-notes §6.11): digests the branch's accepted revisions
    # reference that head office does not hold completely; the device uploads those it has over
    # /v1/blobs. Absent from older servers (an empty list).
    missing_blobs: list[Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]] = Field(
        default_factory=list, max_length=1000)
    # Protocol 2 (wire_v2.py): the plain acceptances as ``[first_seq, count]`` runs in push order;
    # ``results`` then lists only the other outcomes. Absent in protocol-1 replies.
    accepted: list[Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=2, max_length=2)]] | None = Field(
        default=None, max_length=MAX_PUSH_CHANGES)
    # With missing_blobs: head office's evidence requirement, meeting type → attachment roles
    # (domain/compliance/evidence.py), so the laptop can say what an activity still lacks.
    evidence: dict[str, list[str]] | None = None


class EnrolRequest(WireModel):
    protocol: int = BASE_PROTOCOL
    code: Annotated[str, StringConstraints(min_length=4, max_length=64)]
    device_id: Id
    device_name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    public_key: Annotated[str, StringConstraints(min_length=40, max_length=60)]
    app_version: Short = ""


class EnrolResponse(WireModel):
    protocol: int = BASE_PROTOCOL
    device_id: str
    branch_id: str
    branch_name: str
    org_path: list[str] = Field(default_factory=list)
    token: str
    epoch: str
    server_public_key: str
    server_time: str
    token_expires_at: str | None = None  # renew with POST /v1/token (device key), never re-enrol
    # The branch's profile record head office already holds (issue 13). A device adopts it
    # instead of pushing the profile it made at set-up; absent from older servers.
    profile_record_id: str | None = None


class TokenRenewRequest(WireModel):
    """Trade a (possibly expired) device token for a new one, proven with the device key."""

    protocol: int = BASE_PROTOCOL
    device_id: Id
    sig: Annotated[str, StringConstraints(min_length=1, max_length=200)]  # over renewal_bytes


class TokenRenewResponse(WireModel):
    protocol: int = BASE_PROTOCOL
    token: str
    token_expires_at: str | None = None


class ErrorBody(WireModel):
    """Every non-2xx reply of our server: a stable ``code`` and a Chinese ``message``; ``reason`` and
    ``params`` let the client show that message in the clerk's language (sync/protocol/errors.py)."""

    protocol: int = BASE_PROTOCOL
    code: str
    message: str
    reason: str | None = None
    params: dict[str, str | int | float] | None = None
    details: Any = None
    min_protocol: int | None = None
    max_protocol: int | None = None
    retry_after: float | None = None
    max_bytes: int | None = None
