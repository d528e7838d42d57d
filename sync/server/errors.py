"""HTTP errors of the head-office API: a status, a stable code, and a message by key and values.

Every error reply has the same JSON shape (``ErrorBody``) and carries the protocol header, so a
client can tell "head office refused" from "a proxy or captive portal answered".
"""

from __future__ import annotations

from typing import Any

from domain.errors import LedgerError
from sync.protocol.errors import server_text


class ApiError(LedgerError):
    """Raised anywhere below a route; turned into a JSON error reply by the app."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str | None = None,
        *,
        details: Any = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
        reason: str | None = None,
        params: dict[str, str | int | float] | None = None,
    ) -> None:
        """``reason``: the message's key (sync/protocol/errors.py MESSAGES) when it says more than
        ``code``; ``params``: its named values. The reply carries both, so the client shows the
        message in the clerk's language; ``message`` (Chinese, from them) is for older clients."""
        self.status = status
        self.code = code
        self.message = message or server_text(reason or code, params)
        self.details = details
        self.headers = headers or {}
        self.extra = {**(extra or {}), **({"reason": reason} if reason else {}),
                      **({"params": params} if params else {})}
        self.detail = ""
        Exception.__init__(self, f"{status} {code}: {self.message}")  # the log's line; the reply has the message
