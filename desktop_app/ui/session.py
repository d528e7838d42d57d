"""An unlocked store as the UI sees it: the store, the lock that serializes access to it, and signals.

Threading decision (see docs/user-guide.md's technical note and the issue): the store holds one
SQLCipher connection opened with ``check_same_thread=False``. Every use of it — from the UI thread
or a worker — happens inside ``with session.lock:``. The UI thread only runs short operations
under the lock (a page of summaries, one record, one save), and workers take the lock for one
bounded unit of work at a time (one import chunk, one sync page), so the window never waits for
more than one unit. Work that needs no store access (parsing an import file, rendering a PDF from
bodies already read) runs outside the lock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Signal

from desktop_app.store import Store

T = TypeVar("T")
log = logging.getLogger(__name__)

DEFAULT_AUTHOR = "clerk"


class StoreLocked(RuntimeError):
    """The clerk locked the ledger while background work was using it; the work stops there."""

    def __init__(self) -> None:
        super().__init__(QCoreApplication.translate("Session", "The ledger was locked while this was running."))


class StoreGuard:
    """``with guard as store:`` — the session lock, refusing (:class:`StoreLocked`) once closed.

    For workers: their unit of work may start after the clerk locked the ledger. Reusable, so a
    job can take it once per step and let the UI thread in between.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    def __enter__(self) -> Store:
        self.session.lock.acquire()
        if self.session.closed:
            self.session.lock.release()
            raise StoreLocked()
        return self.session.store

    def __exit__(self, *exc: object) -> None:
        self.session.lock.release()


class Session(QObject):
    """Owns the open store until :meth:`close`; pages and editors borrow it through this object."""

    records_changed = Signal(str)  # kind of record written ("" = several kinds, e.g. after sync)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.lock = threading.RLock()
        self._closed = False

    @property
    def author(self) -> str:
        """Who is recorded in history for writes from this device (set in the first-run wizard)."""
        with self.lock:
            name = self.store.meta.get("clerk_name")
        return str(name) if name else DEFAULT_AUTHOR

    def read(self, fn: Callable[[Store], T]) -> T:
        """Run ``fn(store)`` under the lock and return its result (for short reads on the UI thread)."""
        with self.lock:
            return fn(self.store)

    def guard(self) -> StoreGuard:
        return StoreGuard(self)

    def notify(self, kind: str) -> None:
        self.records_changed.emit(kind)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Close the database; the key leaves memory with the store object.

        Closing may write a backup (store.close), which must not run on the UI thread: the
        session is closed at once for everyone (``closed``), and the store itself is closed on a
        thread of its own, after any worker still inside ``lock`` has finished its unit of work.
        :func:`wait_for_closing` waits for it (a restore, the end of the program).
        """
        if self._closed:
            return
        with self.lock:
            self._closed = True
        store, lock = self.store, self.lock

        def close_store() -> None:
            with lock:
                try:
                    store.close()
                except Exception:
                    log.exception("closing the store failed")

        thread = threading.Thread(target=close_store, name="close-store", daemon=False)
        _closing.append(thread)
        thread.start()


_closing: list[threading.Thread] = []


def wait_for_closing(timeout: float = 60.0) -> bool:
    """Wait until every store closed by :meth:`Session.close` is closed; False on timeout."""
    for thread in list(_closing):
        thread.join(timeout)
        if thread.is_alive():
            return False
        _closing.remove(thread)
    return True
