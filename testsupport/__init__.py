"""Helpers for the tests and the benchmarks, kept out of the shipped packages.

Not in the wheel (pyproject's ``packages.find`` does not include it) nor in the PyInstaller
bundle (nothing the applications import reaches it):

* :mod:`testsupport.memory_state` — an in-memory sync replica, the second implementation of
  :class:`sync.client.state.SyncState`; the sync scenario tests run on it and on the store's.
* :mod:`testsupport.store_replica` — the encrypted store's replica with the same test surface.
* :mod:`testsupport.throwaway_pg` — a PostgreSQL cluster started and thrown away by tests/bench.
* :mod:`testsupport.print_samples` — a fictional branch with one record of every kind.
"""
