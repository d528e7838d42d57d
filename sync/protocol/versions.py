"""Protocol versioning: the URL carries the major (``/v1``), the body an integer ``protocol``.

The server accepts ``MIN_PROTOCOL..PROTOCOL_VERSION`` and answers anything else with
426 ``upgrade_required``; the client then keeps working offline and tells the clerk to upgrade,
never dropping data (sync-notes.md §6.12). Raise ``MIN_PROTOCOL`` only after a deprecation window.

Protocol 2 (issue 15, wire_v2.py) sends push pages as columns without the revision ids head
office derives, and answers plain acceptances by their seq alone. Both ends negotiate it: head
office announces the highest protocol it speaks (:data:`MAX_PROTOCOL_HEADER`, absent from a
protocol-1 head office) and a device uses ``min(ours, announced)`` — protocol 1 until it has
heard an announcement, and again as soon as a head office answers a protocol-2 request with 426.
Head office answers each request in the protocol it was sent in, so an old device keeps getting
protocol-1 replies. Enrolment and token renewal did not change and still say protocol 1.

Protocol 3 (issue 15, docs/sync-protocol.md "Pipelined pages") is protocol 2 plus two request
fields: ``after_counter`` (apply this page only once the device's page ending at that outbox
counter is committed: sync/server/ordering.py) and ``pull: false`` (push only; the reply carries
no changes and the cursor as sent). A device sends the next page while the current one's reply
is awaited only to a head office that announced 3; older ones never see the fields.
"""

from __future__ import annotations

PROTOCOL_VERSION = 3  # the highest this code speaks
MIN_PROTOCOL = 1
BASE_PROTOCOL = 1  # what a message says when its form is the same in every protocol we speak
PIPELINE_PROTOCOL = 3  # the first protocol with pipelined pages (after_counter, pull)

# Every reply of our server carries this header and a ``protocol`` field in the JSON body. A reply
# without both did not come from a BranchLedger server (a captive portal, a proxy's error page).
PROTOCOL_HEADER = "X-BranchLedger-Protocol"
# The highest protocol head office speaks; the marker header above keeps saying 1, its first value,
# because clients of every version only test that it is there.
MAX_PROTOCOL_HEADER = "X-BranchLedger-Max-Protocol"
JSON_CONTENT_TYPE = "application/json"
# Every reply also announces the compact-body fingerprint head office strips and expands with
# (sync/protocol/compact.py); request codings are announced beside it (compression.py).
COMPACT_HEADER = "X-BranchLedger-Compact"
IDEMPOTENCY_HEADER = "Idempotency-Key"

UPGRADE_MESSAGE = "请升级客户端：总部服务器已不再支持此版本的同步协议。升级前可继续离线使用，数据不会丢失。"


def is_supported(protocol: int) -> bool:
    """Whether the server speaks ``protocol``."""
    return MIN_PROTOCOL <= protocol <= PROTOCOL_VERSION


def negotiated(announced: int | None) -> int:
    """The protocol to speak with a head office that announced ``announced`` (None: not heard)."""
    return max(MIN_PROTOCOL, min(PROTOCOL_VERSION, announced or BASE_PROTOCOL))


def upgrade_required_body() -> dict[str, object]:
    """The JSON body of a 426 reply; the client shows ``message`` as is."""
    return {
        "protocol": PROTOCOL_VERSION,
        "code": "upgrade_required",
        "message": UPGRADE_MESSAGE,
        "min_protocol": MIN_PROTOCOL,
        "max_protocol": PROTOCOL_VERSION,
    }
