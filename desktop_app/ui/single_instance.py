"""One running app per data directory: a lock file in it, and a local socket to wake the first window.

Two windows on one store would each keep their own editors, drafts and auto-lock state over the
same database. So the first app takes ``ledger.lock`` in the data directory (``QLockFile``: the
file names the owner's PID, and a lock left by a crashed run is taken over) and listens on a
local socket (a named pipe on Windows) whose name is derived from the directory. A second launch
finds the lock taken, asks the first app over the socket to come to the front, and exits; when
nobody answers (a hung process, the same folder used from another computer) it says the data is
in use. The CLI does not take this lock: ``branch-ledger sync`` from a scheduler runs beside the
app safely, as SQLite's own locking serialises the two processes' transactions.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

LOCK_NAME = "ledger.lock"
_WAKE = b"activate\n"


def server_name(data_dir: Path) -> str:
    """The local socket's name for ``data_dir``: per user and per directory, no path characters."""
    try:
        user = getpass.getuser()
    except Exception:  # no login name (a service account): still unique enough per directory
        user = ""
    digest = hashlib.sha256(f"{user}\0{Path(data_dir).resolve()}".encode()).hexdigest()[:20]
    return f"branch-ledger-{digest}"


class SingleInstance(QObject):
    """Hold the data directory for this process; ``activated`` fires when a second launch asks."""

    activated = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.name = server_name(self.data_dir)
        self.lock: QLockFile | None = None
        self.server: QLocalServer | None = None

    def acquire(self) -> bool:
        """Take the directory; False when another running app holds it.

        A directory that cannot hold a lock file (read-only media) is not refused here: opening the
        store there reports the real problem.
        """
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            return True
        lock = QLockFile(str(self.data_dir / LOCK_NAME))
        lock.setStaleLockTime(0)  # held for the app's lifetime; staleness is judged by the owner's PID
        if not lock.tryLock(200):
            # Held by a live process: refuse. Any other failure (permissions): let the store decide.
            return lock.error() != QLockFile.LockError.LockFailedError
        self.lock = lock
        QLocalServer.removeServer(self.name)  # a socket file left by a crashed run
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.newConnection.connect(self._on_connection)
        if server.listen(self.name):
            self.server = server
        return True

    def wake_running(self, timeout_ms: int = 3000) -> bool:
        """Ask the app holding the directory to show its window; True when it received the request."""
        socket = QLocalSocket(self)
        try:
            socket.connectToServer(self.name)
            if not socket.waitForConnected(timeout_ms):
                return False
            socket.write(_WAKE)
            delivered = socket.waitForBytesWritten(timeout_ms)
            socket.disconnectFromServer()
            return bool(delivered)
        finally:
            socket.abort()
            socket.deleteLater()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server.deleteLater()
            self.server = None
        if self.lock is not None:
            self.lock.unlock()
            self.lock = None

    def _on_connection(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(self._read)
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read_from(socket)

    def _read(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read_from(socket)

    def _read_from(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(_WAKE.strip()):
            self.activated.emit()
