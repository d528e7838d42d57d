"""The product's name and release version — the one place both are written.

``pyproject.toml`` reads ``__version__`` from here (``[tool.setuptools.dynamic]``), so the
installed distribution, ``branch-ledger --version``, ``branch-ledger-hq --version``, the About
dialog and the version a device reports to head office all agree. Reading it as code, not from
installed metadata, keeps it right in a PyInstaller bundle, which carries no ``.dist-info``.
"""

from __future__ import annotations

__version__ = "0.2.0"

APP_NAME = "BranchLedger"
APP_NAME_ZH = "支部台账"


def version_line(program: str) -> str:
    """What ``PROGRAM --version`` prints, e.g. ``branch-ledger 0.2.0 (支部台账 BranchLedger)``."""
    return f"{program} {__version__} ({APP_NAME_ZH} {APP_NAME})"
