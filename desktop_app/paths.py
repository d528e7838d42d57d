"""Where the clerk's data lives by default (Qt-free, so the CLI and the GUI agree).

platformdirs gives the same per-user data location Qt's QStandardPaths uses on each platform
(~/.local/share on Linux, %LOCALAPPDATA% on Windows, ~/Library/Application Support on macOS).
``BRANCH_LEDGER_DATA_DIR`` overrides it, for portable installs and tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "BranchLedger"


def default_data_dir() -> Path:
    override = os.environ.get("BRANCH_LEDGER_DATA_DIR")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
