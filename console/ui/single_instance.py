"""One console per user and config folder: a second start hands over to the open window and exits.

The first start listens on a local socket (:class:`QLocalServer`; a Unix socket on Linux and macOS,
a named pipe on Windows) whose name is derived from the user and the config folder, so a portable
copy (``VENDOR_CONSOLE_HOME``) or a test has its own. The socket is private to the user: it lives in
``$XDG_RUNTIME_DIR`` (mode 0700) when there is one, and is created with ``UserAccessOption``. A later
start connects, sends one line (``raise``, or ``open ACCOUNT/DATASET``) and exits; the first one
raises its window. A socket left behind by a crashed console answers nothing: it is removed and
the new start becomes the first.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from console.core import log

CONNECT_TIMEOUT_MS = 500
MAX_MESSAGE = 4096
MAX_SOCKET_PATH = 100  # sockaddr_un holds 108 bytes on Linux (104 on macOS)


def server_name(config_dir: Path) -> str:
    """The socket name for this user and config folder (a full path where a private folder exists)."""
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    digest = hashlib.sha256(f"{user}\0{config_dir.resolve()}".encode()).hexdigest()[:16]
    name = f"vendor-console-{digest}"
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if sys.platform.startswith("linux") and runtime and Path(runtime).is_dir():
        path = str(Path(runtime) / f"{name}.sock")
        if len(path.encode()) <= MAX_SOCKET_PATH:
            return path
    return f"{name}-{user}"


def hand_over(name: str, message: str = "raise") -> bool:
    """Sends ``message`` to a console already listening on ``name``; False when none answers.

    Args:
        name: From :func:`server_name`.
        message: ``raise`` or ``open ACCOUNT/DATASET``.
    """
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    socket.write(message.encode()[:MAX_MESSAGE] + b"\n")
    socket.flush()  # usually writes it all at once; otherwise wait for the rest
    if socket.bytesToWrite():
        socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
    sent = socket.bytesToWrite() == 0
    socket.disconnectFromServer()
    return sent


class InstanceServer(QObject):
    """Listens for later starts and emits what they ask for.

    Args:
        name: From :func:`server_name`.
        parent: Qt parent.
    """

    raiseRequested = Signal()
    openRequested = Signal(str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_connection)

    def listen(self) -> bool:
        """Starts listening, removing a stale socket first; False when it cannot (then no hand-over)."""
        if self.server.listen(self.name):
            return True
        # Only reached after hand_over() found nobody answering: whatever is there is stale.
        QLocalServer.removeServer(self.name)
        if self.server.listen(self.name):
            log.ui.info("removed a stale single-instance socket")
            return True
        log.ui.warning("cannot listen for a second start: %s", self.server.errorString())
        return False

    def close(self) -> None:
        """Stops listening and removes the socket."""
        self.server.close()

    def _on_connection(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            # The later start writes its one line right after connecting: a short blocking read
            # keeps this free of per-socket callbacks (and of sockets outliving the server).
            data = b""
            while b"\n" not in data and len(data) < MAX_MESSAGE:
                if not socket.bytesAvailable() and not socket.waitForReadyRead(CONNECT_TIMEOUT_MS):
                    break
                data += bytes(socket.readAll().data())
            socket.disconnectFromServer()
            socket.deleteLater()
            line = data.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
            command, _sep, argument = line.partition(" ")
            log.ui.info("a second start asked to %s", command or "(nothing)")
            if command == "open" and argument:
                self.openRequested.emit(argument)
            self.raiseRequested.emit()
