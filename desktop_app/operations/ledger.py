"""The open ledger as operations see it: the store, the lock that serializes it, and change sets.

Threading decision (kept from the first desktop release, see docs/user-guide.md's technical note):
the store holds one SQLCipher connection opened with ``check_same_thread=False``. Every use of it
— from the UI thread, a worker or the CLI — happens inside :meth:`Ledger.guard`, which takes the
lock and refuses (:class:`StoreLocked`) once the ledger was locked. Operations take the guard for
one bounded unit of work at a time (one save, one import, one sync page), so the window never
waits for more than one unit; work that needs no store (parsing a file, laying out a PDF) runs
outside it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from desktop_app.store import Store
from domain.errors import LedgerError
from domain.i18n import N_

log = logging.getLogger(__name__)

DEFAULT_AUTHOR = "clerk"


class StoreLocked(LedgerError, RuntimeError):
    """The clerk locked the ledger while an operation was using it; the operation stops there."""

    message = N_("台账已锁定，正在进行的操作已停止。")

    def __init__(self) -> None:
        super().__init__()


@dataclass(frozen=True)
class OpChanges:
    """What an operation changed: the records written and their kinds.

    ``everything`` is for operations whose reach is not worth listing (a sync run, a restore): every
    view reloads. An empty change set (``bool(changes)`` is False) means nothing was written.
    """

    record_ids: frozenset[str] = field(default_factory=frozenset)
    kinds: frozenset[str] = field(default_factory=frozenset)
    everything: bool = False

    @classmethod
    def of(cls, kind: str, *record_ids: str) -> OpChanges:
        return cls(frozenset(record_ids), frozenset({kind}))

    @classmethod
    def of_records(cls, pairs: Iterable[tuple[str, str]]) -> OpChanges:
        """From ``(kind, record_id)`` pairs."""
        items = list(pairs)
        return cls(frozenset(r for _, r in items), frozenset(k for k, _ in items))

    @classmethod
    def all(cls) -> OpChanges:
        return cls(everything=True)

    def __or__(self, other: OpChanges) -> OpChanges:
        return OpChanges(self.record_ids | other.record_ids, self.kinds | other.kinds,
                         self.everything or other.everything)

    def __bool__(self) -> bool:
        return self.everything or bool(self.record_ids or self.kinds)

    def touches(self, kind: str) -> bool:
        """Whether a view of records of ``kind`` must reload."""
        return self.everything or kind in self.kinds

    def to_json(self) -> dict[str, object]:
        return {"record_ids": sorted(self.record_ids), "kinds": sorted(self.kinds), "everything": self.everything}


NO_CHANGES = OpChanges()


class StoreGuard:
    """The lock of one :class:`Ledger` as a reusable context manager that yields the store."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger

    def __enter__(self) -> Store:
        ledger = self._ledger
        ledger._lock.acquire()
        if ledger._closed:
            ledger._lock.release()
            raise StoreLocked()
        return ledger._store

    def __exit__(self, *exc: object) -> None:
        self._ledger._lock.release()


class Ledger:
    """Owns the open store until :meth:`close`; every operation borrows it through :meth:`guard`."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.RLock()
        self._closed = False

    def guard(self) -> StoreGuard:
        """``with ledger.guard() as store:`` — the lock, refusing (:class:`StoreLocked`) once closed.

        Reentrant (an operation may call another inside its own guard) and reusable: a long job
        passes one guard to the store functions that take it per step (``lock=guard``).
        """
        return StoreGuard(self)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def author(self) -> str:
        """Who is recorded in history for writes from this device (set in the first-run wizard)."""
        with self.guard() as store:
            name = store.meta.get("clerk_name")
        return str(name) if name else DEFAULT_AUTHOR

    # The store object and the lock, for the plumbing that opens and closes a ledger (the session,
    # tests). Operations use :meth:`guard`.
    @property
    def store(self) -> Store:
        return self._store

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    def close(self, *, backup: bool = True) -> None:
        """Close the database; the key leaves memory with the store object.

        ``backup=False`` skips the backup on close (a ledger just restored or made fresh is the
        backup's own content).

        Closing may write a backup (store.close), which must not run on the UI thread: the ledger
        is closed at once for everyone (``closed``), and the store itself is closed on a thread of
        its own, after any operation still inside the lock has finished its unit of work.
        :func:`wait_for_closing` waits for it (a restore, the end of the program).
        """
        if self._closed:
            return
        with self._lock:
            self._closed = True
        store, lock = self._store, self._lock

        def close_store() -> None:
            with lock:
                try:
                    store.close(backup=backup)
                except Exception:
                    log.exception("closing the store failed")

        thread = threading.Thread(target=close_store, name="close-store", daemon=False)
        _closing.append(thread)
        thread.start()


_closing: list[threading.Thread] = []


def wait_for_closing(timeout: float = 60.0) -> bool:
    """Wait until every store closed by :meth:`Ledger.close` is closed; False on timeout."""
    for thread in list(_closing):
        thread.join(timeout)
        if thread.is_alive():
            return False
        _closing.remove(thread)
    return True
