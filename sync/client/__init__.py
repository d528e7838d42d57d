"""Client side of sync (pure Python, no Qt): HTTP transport, enrolment and the sync engine.

The engine talks to a :class:`~sync.client.state.SyncState` — the device's replica — so the same
engine drives the encrypted store (desktop_app/store/sync_state.py) and the in-memory replica used
by tests and benchmarks (testsupport/memory_state.py, not shipped).
"""
