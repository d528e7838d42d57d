"""An unlocked ledger as the UI sees it: the Qt-free :class:`~desktop_app.operations.Ledger` every
operation takes, and the signal that tells pages what an operation changed.

UI modules reach the store only through :mod:`desktop_app.operations`, run by the wrapper in
:mod:`desktop_app.ui.operations` (background thread, error dialog, change broadcast); the
threading decision is the ledger's (:mod:`desktop_app.operations.ledger`). ``store``, ``lock``,
``read`` and ``guard`` remain for tests that inspect the database; ``tests/ui/test_store_access.py``
keeps every UI module off them. A session is made from a ledger that
:mod:`desktop_app.operations.opening` opened (unlock, first run, restore, salvage).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from desktop_app.operations.ledger import DEFAULT_AUTHOR, Ledger, OpChanges, StoreGuard, StoreLocked, wait_for_closing
from desktop_app.store import Store

T = TypeVar("T")

__all__ = ["DEFAULT_AUTHOR", "Session", "StoreGuard", "StoreLocked", "wait_for_closing"]


class Session(QObject):
    """Owns the open ledger until :meth:`close`; pages and editors borrow it through this object."""

    records_changed = Signal(str)  # kind of record written ("" = several kinds, e.g. after sync)
    changed = Signal(object)  # the OpChanges of an operation that wrote something

    def __init__(self, ledger: Ledger, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger

    @property
    def store(self) -> Store:
        return self.ledger.store

    @property
    def lock(self) -> threading.RLock:
        return self.ledger.lock

    @property
    def author(self) -> str:
        """Who is recorded in history for writes from this device (set in the first-run wizard)."""
        return self.ledger.author

    def read(self, fn: Callable[[Store], T]) -> T:
        """Run ``fn(store)`` under the guard (tests; UI modules call operations instead)."""
        with self.ledger.guard() as store:
            return fn(store)

    def guard(self) -> StoreGuard:
        return self.ledger.guard()

    def notify(self, kind: str) -> None:
        self.records_changed.emit(kind)

    def broadcast(self, changes: OpChanges) -> None:
        """Tell every view what an operation changed: ``changed`` with the whole change set, and
        ``records_changed`` with the one kind touched ("" for several, or for everything)."""
        if not changes or self.closed:
            return
        self.changed.emit(changes)
        kinds = sorted(changes.kinds)
        self.records_changed.emit(kinds[0] if len(kinds) == 1 and not changes.everything else "")

    @property
    def closed(self) -> bool:
        return self.ledger.closed

    def close(self) -> None:
        """Close the ledger (:meth:`Ledger.close`: at once for everyone, the store on its own thread)."""
        self.ledger.close()
