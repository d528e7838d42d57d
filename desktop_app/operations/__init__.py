"""The one way into the store for the GUI, the CLI and sync (Qt-free).

One typed function per user action — save a record, finalize it, import a roster, resolve a
conflict, run a sync, gather the 概览, print … — each takes a :class:`~.ledger.Ledger` (the open
store with the lock that serializes it), takes that lock itself for as long as its unit of work
needs, and returns what it changed as an :class:`~.ledger.OpChanges` (or a result carrying one in
``changes``), so the caller can tell exactly which pages must reload.

The model is Anki's ``aqt.operations`` (``CollectionOp``/``QueryOp``): the Qt side runs an
operation on a background thread, shows its failure and broadcasts its changes
(:mod:`desktop_app.ui.operations`); the CLI calls the same functions in the foreground. Unlike
Anki, the operations here live outside the GUI package and know nothing of widgets, so the CLI
and the tests drive exactly the code a button drives.

Modules are named for what they hold: :mod:`.ledger` (the handle, the lock, the change set),
:mod:`.records` (read, save, finalize, amend, delete, history), :mod:`.drafts` (editor buffers),
:mod:`.roster` (roster import), :mod:`.overview` (the 概览 in one pass), :mod:`.compliance`
(compliance and lapse warnings), :mod:`.record_view` (a record with its validity and vote
outcomes), :mod:`.conflicts` (list, merge, resolve), :mod:`.sync` (status, enrolment, one run),
:mod:`.backups`, :mod:`.printing`, :mod:`.settings`, :mod:`.reviews`, :mod:`.refused`,
:mod:`.transfer` (JSON import and export), :mod:`.opening` (create, open, restore and salvage a
data folder — before a ledger is open, returning the opened one); and
:mod:`.errors`, :mod:`.types`, :mod:`.files` so callers name the store's exceptions and values
without importing the store package.
"""

from desktop_app.operations.ledger import Ledger, OpChanges, StoreLocked, wait_for_closing

__all__ = ["Ledger", "OpChanges", "StoreLocked", "wait_for_closing"]
