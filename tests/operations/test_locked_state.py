"""The desktop's sync runs drive the store through :class:`LockedState`; a state method the engine
reaches for that the wrapper lacks silently takes the engine's slower fallback (the read-ahead of
``pending_changes_after`` did so until this test), so the two are compared by name."""

from __future__ import annotations

import ast
import inspect
import re

import sync.client.engine as engine
from desktop_app.operations.sync import LockedState
from desktop_app.store.sync_state import StoreSyncState


def _engine_state_calls() -> set[str]:
    """Every ``self.state.X`` and ``getattr(self.state, "X", …)`` in the engine's source."""
    source = inspect.getsource(engine)
    names = set(re.findall(r"self\.state\.([a-z_]+)", source))
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
                and len(node.args) >= 2 and ast.unparse(node.args[0]) == "self.state"
                and isinstance(node.args[1], ast.Constant)):
            names.add(str(node.args[1].value))
    return names


def test_the_engine_reads_the_optional_methods_it_finds() -> None:
    calls = _engine_state_calls()
    assert {"pending_changes", "pending_changes_after", "full_resync_pending"} <= calls


def test_the_locked_state_passes_on_every_method_the_engine_uses_and_the_store_has() -> None:
    missing = sorted(name for name in _engine_state_calls()
                     if hasattr(StoreSyncState, name) and not hasattr(LockedState, name)
                     and name != "device_id")  # an attribute set in __init__ on both
    assert missing == []
