"""HTTP errors of the head-office API: a status, a stable code and a Chinese message.

Every error reply has the same JSON shape (``ErrorBody``) and carries the protocol header, so a
client can tell "head office refused" from "a proxy or captive portal answered".
"""

from __future__ import annotations

from typing import Any

from domain.errors import LedgerError
from sync.protocol.errors import message_for


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
    ) -> None:
        self.status = status
        self.code = code
        self.message = message or message_for(code)
        self.details = details
        self.headers = headers or {}
        self.extra = extra or {}
        self.detail = ""
        Exception.__init__(self, f"{status} {code}: {self.message}")  # the log's line; the reply has the message
