"""Sync with head office from the app.

* the work itself is :mod:`desktop_app.operations.sync` and :mod:`desktop_app.operations.conflicts`;
* :mod:`.controller` — one per unlocked session: runs enrolment, sync and conflict resolution in
  workers and tells the pages through signals;
* :mod:`.auto` — automatic sync on a schedule and when head office becomes reachable again;
* :mod:`.conflict_fields`, :mod:`.conflicts_model`, :mod:`.conflict_dialog` — resolving conflicts.
"""
