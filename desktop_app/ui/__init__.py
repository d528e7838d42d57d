"""The Qt client. Everything under this package may import PySide6; nothing outside it may.

Layout (one concern per module): :mod:`.controller` switches between first run, the lock screen
and the workspace; :mod:`.shell` is the thin main window; ``pages/`` holds one module per
navigation page, ``editors/`` one per record kind, ``models/`` the Qt item models over store
queries, ``widgets/`` small reusable widgets, and :mod:`.workers` runs slow work off the UI thread.

No module here reaches the store itself: every read and write is an operation of
:mod:`desktop_app.operations`, run through :mod:`.operations` (worker thread, error dialog, change
broadcast); ``tests/ui/test_store_access.py`` checks it.
"""
