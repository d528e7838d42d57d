"""UI preferences kept in QSettings (per user, outside the encrypted store).

Only preferences that are harmless to read before unlocking live here: language, auto-lock
minutes, the data directory, window geometry. Head-office credentials live inside the store; the
failed-unlock back-off lives beside the key file (desktop_app/store/attempts.py), where editing a
settings file cannot reset it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from desktop_app.paths import default_data_dir

ORGANIZATION = "BranchLedger"
APPLICATION = "BranchLedger"
DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")
DEFAULT_AUTOLOCK_MINUTES = 10
DEFAULT_SYNC_MINUTES = 15


class UiSettings:
    """Typed access to the QSettings keys the client uses."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._s = settings if settings is not None else QSettings(ORGANIZATION, APPLICATION)

    # language ------------------------------------------------------------
    @property
    def language(self) -> str:
        value = str(self._s.value("ui/language", DEFAULT_LANGUAGE))
        return value if value in LANGUAGES else DEFAULT_LANGUAGE

    @language.setter
    def language(self, value: str) -> None:
        self._s.setValue("ui/language", value if value in LANGUAGES else DEFAULT_LANGUAGE)

    # auto-lock -----------------------------------------------------------
    @property
    def autolock_minutes(self) -> int:
        try:
            value = int(str(self._s.value("security/autolock_minutes", DEFAULT_AUTOLOCK_MINUTES)))
        except (TypeError, ValueError):
            return DEFAULT_AUTOLOCK_MINUTES
        return max(1, min(value, 240))

    @autolock_minutes.setter
    def autolock_minutes(self, value: int) -> None:
        self._s.setValue("security/autolock_minutes", max(1, min(int(value), 240)))

    # data directory ------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        value = self._s.value("store/data_dir", "")
        return Path(str(value)) if value else default_data_dir()

    @data_dir.setter
    def data_dir(self, value: Path) -> None:
        self._s.setValue("store/data_dir", str(value))

    # sync ----------------------------------------------------------------
    @property
    def last_folder(self) -> str:
        """The folder the clerk last saved a file to (PDFs, the recovery key); "" if none yet."""
        return str(self._s.value("files/last_folder", ""))

    @last_folder.setter
    def last_folder(self, value: str) -> None:
        self._s.setValue("files/last_folder", value)

    @property
    def ca_bundle(self) -> str:
        return str(self._s.value("sync/ca_bundle", ""))

    @ca_bundle.setter
    def ca_bundle(self, value: str) -> None:
        self._s.setValue("sync/ca_bundle", value)

    @property
    def auto_sync(self) -> bool:
        return str(self._s.value("sync/auto", "true")).lower() in ("true", "1")

    @auto_sync.setter
    def auto_sync(self, value: bool) -> None:
        self._s.setValue("sync/auto", "true" if value else "false")

    @property
    def sync_interval_minutes(self) -> int:
        try:
            value = int(str(self._s.value("sync/interval_minutes", DEFAULT_SYNC_MINUTES)))
        except (TypeError, ValueError):
            return DEFAULT_SYNC_MINUTES
        return max(1, min(value, 24 * 60))

    @sync_interval_minutes.setter
    def sync_interval_minutes(self, value: int) -> None:
        self._s.setValue("sync/interval_minutes", max(1, min(int(value), 24 * 60)))

    def sync(self) -> None:
        self._s.sync()
