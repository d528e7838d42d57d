"""Files the clerk asks for outside the ledger (a recovery-key sheet, an export), written the
store's way: a temporary file renamed into place, so a full disk never leaves half a file."""

from desktop_app.store.atomic import atomic_write_text

__all__ = ["atomic_write_text"]
