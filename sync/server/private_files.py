"""Files only the head-office account may read: the SQLite database and the key file (mode 0600).

Both hold what a stolen copy must not give away (every branch's records; head office's signing key
and cursor secret), so they are created 0600 from the first byte — never created with the umask's
0644 and narrowed afterwards — and a file found wider than that is narrowed on open. Writes of the
key file are atomic (temp file, fsync, rename), so a crash never leaves a half-written key.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) if missing; a directory we create is 0700."""
    if not path.exists():
        path.mkdir(parents=True, mode=PRIVATE_DIR_MODE, exist_ok=True)


def ensure_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist; narrow an existing one to 0600."""
    ensure_private_dir(path.parent)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_MODE)
    except FileExistsError:
        narrow(path)
    else:
        os.close(fd)


def narrow(path: Path) -> None:
    """Remove group/other permissions from an existing file (e.g. a database made by an older version)."""
    with contextlib.suppress(FileNotFoundError):
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
            log.warning("narrowed permissions of %s from %o to %o", path, mode, mode & 0o700)


def write_private(path: Path, data: bytes, *, exclusive: bool = False) -> bool:
    """Atomically write ``data`` to ``path`` with mode 0600.

    With ``exclusive`` the file is only created if it does not exist yet (returns False if another
    process got there first), so two servers starting at once agree on one key file.
    """
    ensure_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, PRIVATE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            try:
                os.link(tmp, path)
            except FileExistsError:
                return False
            finally:
                tmp.unlink(missing_ok=True)
        else:
            os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return True
