"""Protocol versioning: the URL carries the major (``/v1``), the body an integer ``protocol``.

The server accepts ``MIN_PROTOCOL..PROTOCOL_VERSION`` and answers anything else with
426 ``upgrade_required``; the client then keeps working offline and tells the clerk to upgrade,
never dropping data (sync-notes.md §6.12). Raise ``MIN_PROTOCOL`` only after a deprecation window.
"""

from __future__ import annotations

PROTOCOL_VERSION = 1
MIN_PROTOCOL = 1

# Every reply of our server carries this header and a ``protocol`` field in the JSON body. A reply
# without both did not come from a BranchLedger server (a captive portal, a proxy's error page).
PROTOCOL_HEADER = "X-BranchLedger-Protocol"
JSON_CONTENT_TYPE = "application/json"
# Every reply also announces the compact-body fingerprint head office strips and expands with
# (sync/protocol/compact.py); request codings are announced beside it (compression.py).
COMPACT_HEADER = "X-BranchLedger-Compact"
IDEMPOTENCY_HEADER = "Idempotency-Key"

UPGRADE_MESSAGE = "请升级客户端：总部服务器已不再支持此版本的同步协议。升级前可继续离线使用，数据不会丢失。"


def is_supported(protocol: int) -> bool:
    """Whether the server speaks ``protocol``."""
    return MIN_PROTOCOL <= protocol <= PROTOCOL_VERSION


def upgrade_required_body() -> dict[str, object]:
    """The JSON body of a 426 reply; the client shows ``message`` as is."""
    return {
        "protocol": PROTOCOL_VERSION,
        "code": "upgrade_required",
        "message": UPGRADE_MESSAGE,
        "min_protocol": MIN_PROTOCOL,
        "max_protocol": PROTOCOL_VERSION,
    }
