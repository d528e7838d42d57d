"""The unlock back-off: after repeated wrong passphrases, wait 1 s, 2, 4 … up to 5 minutes.

The state lives beside the key file (``ledger.attempts``), not in the GUI's settings, so the CLI
and the GUI share it and it travels with the ledger. It is a small JSON file with an HMAC, and it
*fails closed*: a missing, edited or unreadable file counts as :data:`FAIL_CLOSED_FAILURES` wrong
attempts, so deleting or editing it never shortens the wait (it lengthens it). The file is written
at creation and after every successful unlock, so its absence means tampering, except beside a
version 1 key file (a ledger made before this file existed).

The HMAC is keyed by the ledger's public ``key_id`` (vault.py), so the file stays valid when the
data directory is copied or moved to another computer, and a file from another ledger is not.

What this does not do, on purpose: the HMAC key is derivable by anyone who reads this code, so
someone who can write files in the data directory can put back an older copy of the file. Such a
person can equally copy ``ledger.keys`` and guess offline; against that only the Argon2id cost
(~0.35 s per guess) and the passphrase's length protect. The back-off slows guessing at the
keyboard, where the laptop is used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path

from desktop_app.store.atomic import atomic_write_text
from desktop_app.store.errors import UnlockThrottled

ATTEMPTS_FILE = "ledger.attempts"
MAX_DELAY_S = 300
FAIL_CLOSED_FAILURES = 6  # 16 s: what an edited or deleted state file counts as


def delay_after(failures: int) -> int:
    """Seconds to wait after ``failures`` wrong passphrases in a row: 0, 0, 1, 2, 4 … ≤ 5 min."""
    if failures < 2:
        return 0
    return int(min(MAX_DELAY_S, 2 ** (failures - 2)))


@dataclass(frozen=True)
class AttemptState:
    failures: int
    last_failure: dt.datetime | None
    trusted: bool  # False: the file was missing or edited, the fail-closed count applies


class UnlockAttempts:
    """Failed-unlock state of one data directory."""

    def __init__(self, data_dir: Path, *, key_id: str = "", legacy: bool = False) -> None:
        self.path = Path(data_dir) / ATTEMPTS_FILE
        self.key_id = key_id
        self.legacy = legacy  # beside a version 1 key file a missing state file is normal

    @staticmethod
    def _mac(key_id: str, failures: int, last: str) -> str:
        key = hashlib.sha256(b"branch-ledger/unlock-attempts/v1|" + key_id.encode()).digest()
        return hmac.new(key, f"{failures}|{last}".encode(), hashlib.sha256).hexdigest()

    def state(self) -> AttemptState:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            failures, last, key_id = int(data["failures"]), str(data["last"]), str(data.get("key_id", ""))
            if not hmac.compare_digest(str(data["mac"]), self._mac(key_id, failures, last)) or failures < 0:
                raise ValueError("mac")
            if self.key_id and key_id != self.key_id:
                raise ValueError("another ledger's state")
            if not self.key_id:
                self.key_id = key_id  # the key file is unreadable: keep the ledger's id from here
        except FileNotFoundError:
            if self.legacy:
                return AttemptState(0, None, True)
            return AttemptState(FAIL_CLOSED_FAILURES, None, False)
        except (OSError, ValueError, KeyError, TypeError):
            return AttemptState(FAIL_CLOSED_FAILURES, None, False)
        when = dt.datetime.fromisoformat(last) if last else None
        return AttemptState(failures, when, True)

    def wait_seconds(self, now: dt.datetime | None = None) -> int:
        """How long before the next attempt is allowed (0: now)."""
        now = now or _now()
        state = self.state()
        if not state.trusted:
            # Missing or edited: start the fail-closed wait now, and remember that we did. Where
            # nothing can be written (read-only media) there is no state to protect: no wait.
            if not self._write(FAIL_CLOSED_FAILURES, now.isoformat()):
                return 0
            state = AttemptState(FAIL_CLOSED_FAILURES, now, True)
        delay = delay_after(state.failures)
        if not delay or state.last_failure is None:
            return 0
        elapsed = (now - state.last_failure).total_seconds()
        if elapsed < 0:  # the clock went back: wait in full rather than never
            return delay
        return max(0, int(delay - elapsed + 0.999))

    def check(self) -> None:
        """Raise :class:`UnlockThrottled` when an attempt is not allowed yet."""
        trusted = self.state().trusted
        wait = self.wait_seconds()
        if wait:
            raise UnlockThrottled(wait, self.state().failures, tampered=not trusted)

    def record_failure(self) -> int:
        state = self.state()
        failures = (state.failures if state.trusted else FAIL_CLOSED_FAILURES) + 1
        self._write(failures, _now().isoformat())
        return failures

    def record_success(self) -> None:
        self._write(0, "")

    def _write(self, failures: int, last: str) -> bool:
        payload = {"failures": failures, "last": last, "key_id": self.key_id,
                   "mac": self._mac(self.key_id, failures, last)}
        try:
            atomic_write_text(self.path, json.dumps(payload))
        except OSError:
            return False  # read-only media: unlocking must still work; the back-off is a speed bump
        return True


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
