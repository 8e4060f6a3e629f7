"""A TCP fault layer on 127.0.0.1 between a client and a local endpoint, for tests and benchmarks.

HTTP-level faults (throttling, 5xx, slow answers) live in :mod:`localaws`; this proxy adds what only
the network does: connections refused (nothing listening), reset (RST right after accept) and
black-holed (accepted, never answered). The mode can change while clients are connected.
"""

from __future__ import annotations

import contextlib
import enum
import random
import select
import socket
import struct
import threading


class Mode(enum.Enum):
    PASS = "pass"
    REFUSE = "refuse"
    RESET = "reset"
    BLACKHOLE = "blackhole"


class FaultProxy:
    """Forwards 127.0.0.1:<port> to ``upstream``; ``mode`` decides what new connections get."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.mode = Mode.PASS
        self.connections = 0
        self._listener: socket.socket | None = None
        self._port = 0
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._held: list[socket.socket] = []
        self._piped: set[socket.socket] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def start(self) -> FaultProxy:
        self._listen()
        return self

    def set_mode(self, mode: Mode) -> None:
        """Switch mode; REFUSE closes the listener so connects are refused by the kernel. An
        endpoint that goes down (REFUSE) or resets drops the connections it was serving too, as
        a real one does: a client's pooled connection is not a way around the fault."""
        with self._lock:
            self.mode = mode
            if mode in (Mode.REFUSE, Mode.RESET):
                for piped in self._piped:
                    with contextlib.suppress(OSError):
                        piped.shutdown(socket.SHUT_RDWR)
            if mode is Mode.REFUSE and self._listener is not None:
                self._listener.close()
                self._listener = None
            elif mode is not Mode.REFUSE and self._listener is None:
                self._listen_locked()
            if mode is not Mode.BLACKHOLE:
                for held in self._held:
                    with contextlib.suppress(OSError):
                        held.close()
                self._held.clear()

    def stop(self) -> None:
        self._stopped.set()
        with self._lock:
            if self._listener is not None:
                self._listener.close()
                self._listener = None
            for held in self._held:
                with contextlib.suppress(OSError):
                    held.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- internals -------------------------------------------------------------------------
    def _listen(self) -> None:
        with self._lock:
            self._listen_locked()

    def _listen_locked(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self._port:
            listener.bind(("127.0.0.1", self._port))
        else:
            self._port = _bind_outside_ephemeral(listener)
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return  # closed: REFUSE mode or stop()
            with self._lock:  # registered under the lock set_mode takes: none slips through
                self.connections += 1
                mode = self.mode
                if mode is Mode.PASS:
                    self._piped.add(conn)
            if mode in (Mode.RESET, Mode.REFUSE):  # REFUSE: it came before the listener closed
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
            elif mode is Mode.BLACKHOLE:
                with self._lock:
                    self._held.append(conn)
            else:
                threading.Thread(target=self._pipe, args=(conn,), daemon=True).start()

    def _pipe(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            with self._lock:
                self._piped.discard(client)
            client.close()
            return
        sockets = [client, upstream]
        try:
            while not self._stopped.is_set():
                readable, _, _ = select.select(sockets, [], [], 0.5)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (upstream if sock is client else client).sendall(data)
        except OSError:
            return
        finally:
            with self._lock:
                self._piped.discard(client)
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.close()


def _ephemeral_range() -> tuple[int, int]:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as handle:
            low, high = (int(part) for part in handle.read().split())
            return low, high
    except (OSError, ValueError):
        return 32768, 60999


def _bind_outside_ephemeral(listener: socket.socket) -> int:
    """Bind to a port the kernel never hands to a client's connect.

    REFUSE closes the listener and a later mode binds the same port again; a port from the ephemeral
    range could meanwhile be taken as the source port of any connection on the machine (seen once in
    CI as EADDRINUSE), so the port is picked below that range.
    """
    low, high = _ephemeral_range()
    candidates = list(range(20000, low)) if low > 21000 else list(range(high + 1, 65536))
    for port in random.sample(candidates, k=min(200, len(candidates))):
        try:
            listener.bind(("127.0.0.1", port))
        except OSError:
            continue
        return port
    raise OSError("no free port outside the ephemeral range on 127.0.0.1")
