"""The gunicorn worker `make serve` runs: gunicorn's threaded worker, reading each request whole before a thread
takes it (docs/adr/0009-slow-clients-are-read-by-the-worker-loop-not-a-thread.md).

gunicorn's gthread worker gives a connection a thread as soon as its first byte arrives, and the thread then reads
the rest of the head and the body with no time limit: a client that sends a byte a second holds a thread for as long
as it likes, and two dozen of them hold every thread of a server, health check included. Here the worker's own
event loop reads the head and a body of declared length without blocking, as a buffering proxy would, and cuts off
a client whose head takes longer than HEAD_SECONDS or whose body then takes longer than BODY_SECONDS (a 408, as the
reference balancer gives). Only a request that is all there reaches a thread, which parses it from memory.

A body that cannot be held (chunked, or declared larger than REQUEST_MAX_BYTES) is handed on as soon as its head is
in: the app refuses it without reading it (assessments/web/middleware.py, RequestSizeMiddleware), and the
connection is closed after the answer instead of waiting for the rest. TLS ends at the balancer; with gunicorn's
own TLS the worker behaves as gthread does.
"""

from __future__ import annotations

import selectors
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from gunicorn.workers.gthread import ThreadWorker

# The same limits as deploy/haproxy.cfg: `timeout http-request 5s`, then `http-request wait-for-body time 5s`.
HEAD_SECONDS = 5.0
BODY_SECONDS = 5.0
# gunicorn refuses a request line over 4 KB; a browser's head with its cookies is a few KB.
HEAD_MAX_BYTES = 64 * 1024
# What one worker holds at most in requests still arriving; beyond it the connection that asks for more is refused.
BUFFERED_MAX_BYTES = 32 * 1024 * 1024
RECV_BYTES = 64 * 1024

TIMED_OUT = b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
HEAD_TOO_LARGE = b"HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
BUSY = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 10\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"


@dataclass
class Incoming:
    """A request still arriving: the bytes so far, when it must be in by, and where it ends once the head is in."""

    data: bytearray
    deadline: float
    end: int | None = None
    searched: int = 0  # how much of the data has been searched for the end of the head


def declared_length(head: bytes) -> int | None:
    """The body length a request head declares: 0 for none, None when it cannot be held (a chunked body, or a
    Content-Length that is missing a number or given twice). gunicorn's parser has the last word on the head."""
    lengths = []
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"transfer-encoding":
            return None
        if name == b"content-length":
            lengths.append(value.strip())
    if not lengths:
        return 0
    if len(lengths) > 1 or not lengths[0].isdigit():
        return None
    return int(lengths[0])


def expects_continue(head: bytes) -> bool:
    """Whether an HTTP/1.1 client waits for "100 Continue" before sending its body (curl does for large ones)."""
    lines = head.split(b"\r\n")
    return lines[0].rstrip().endswith(b"HTTP/1.1") and any(
        name.strip().lower() == b"expect" and value.strip().lower() == b"100-continue"
        for name, _, value in (line.partition(b":") for line in lines[1:])
    )


class BufferingThreadWorker(ThreadWorker):
    """gthread, but a connection gets a thread only once its request is all there (or cannot be held)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.incoming: dict[Any, Incoming] = {}  # main loop only
        self.buffered = 0
        self.ready: dict[Any, bytes] = {}  # filled by the main loop, emptied by the thread that takes the request
        self.unbuffered: set[Any] = set()  # handed on before the body was in: closed after the answer

    # Every way into a thread goes through enqueue_req: a new connection, a kept-alive one that became readable,
    # and one with the start of its next request already read. Each first comes here to be read whole.
    def enqueue_req(self, conn: Any) -> None:
        if conn in self.ready or self.cfg.is_ssl:
            super().enqueue_req(conn)
        else:
            self.start_reading(conn)

    def start_reading(self, conn: Any) -> None:
        data = bytearray(conn.parser.unreader.take_buffered() if conn.parser is not None else b"")
        conn.sock.setblocking(False)
        self.incoming[conn] = Incoming(data, time.monotonic() + HEAD_SECONDS)
        self.buffered += len(data)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_request_bytes, conn))
        self.progress(conn)

    def on_request_bytes(self, conn: Any, _sock: Any) -> None:
        try:
            chunk = conn.sock.recv(RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if conn not in self.incoming:
            return  # cut off or handed on in the meantime
        if not chunk:
            self.drop(conn)
            return
        self.incoming[conn].data += chunk
        self.buffered += len(chunk)
        if self.buffered > BUFFERED_MAX_BYTES:
            self.log.warning("Refused a request: %d bytes already held for requests still arriving", self.buffered)
            self.drop(conn, BUSY)
            return
        self.progress(conn)

    def progress(self, conn: Any) -> None:
        """Hand the request on if it is all there; refuse a head too large to be one."""
        incoming = self.incoming[conn]
        if incoming.end is None:
            if incoming.data[:1] in (b"\r", b"\n"):  # empty lines before a request are allowed, and meaningless
                stripped = incoming.data.lstrip(b"\r\n")
                self.buffered -= len(incoming.data) - len(stripped)
                incoming.data = stripped
            # Only the new bytes are searched (and the 3 before them), so a head sent a byte at a time costs no more.
            head_end = incoming.data.find(b"\r\n\r\n", max(incoming.searched - 3, 0))
            incoming.searched = len(incoming.data)
            if head_end < 0:
                if len(incoming.data) > HEAD_MAX_BYTES:
                    self.drop(conn, HEAD_TOO_LARGE)
                return
            head = bytes(incoming.data[:head_end])
            length = declared_length(head)
            if length is None or length > settings.REQUEST_MAX_BYTES:
                self.unbuffered.add(conn)
                self.hand_on(conn)
                return
            incoming.end = head_end + 4 + length
            incoming.deadline = time.monotonic() + BODY_SECONDS
            if length and len(incoming.data) < incoming.end and expects_continue(head):
                self.send(conn, CONTINUE)  # the client waits for this before it sends the body
        if len(incoming.data) >= incoming.end:
            self.hand_on(conn)

    def stop_reading(self, conn: Any) -> Incoming:
        incoming = self.incoming.pop(conn)
        self.buffered -= len(incoming.data)
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass
        return incoming

    def hand_on(self, conn: Any) -> None:
        self.ready[conn] = bytes(self.stop_reading(conn).data)
        conn.sock.setblocking(True)
        super().enqueue_req(conn)

    def drop(self, conn: Any, answer: bytes = b"") -> None:
        self.stop_reading(conn)
        if answer:
            self.send(conn, answer)
        self.nr_conns -= 1
        conn.close()

    @staticmethod
    def send(conn: Any, answer: bytes) -> None:
        """A few bytes without waiting: they fit in the socket's buffer, or the client is not reading anyway."""
        try:
            conn.sock.send(answer)
        except OSError:
            pass

    def murder_pending(self) -> None:
        """Called by the worker's loop at least once a second: cut off the requests that are late."""
        super().murder_pending()
        now = time.monotonic()
        for conn in [conn for conn, incoming in self.incoming.items() if incoming.deadline <= now]:
            self.log.debug("Cut off a request that did not arrive in time from %s", conn.client)
            self.drop(conn, TIMED_OUT if self.incoming[conn].data else b"")

    def handle(self, conn: Any) -> Any:
        """In a thread: the request is in memory, so the parser reads it from there."""
        data = self.ready.get(conn)
        if data is not None:
            conn.data_ready = True
            conn.init()
            conn.parser.unreader.unread(data)
        return super().handle(conn)

    def _keepalive_after(self, conn: Any, keepalive: bool) -> bool:
        if conn in self.unbuffered:
            return False  # the rest of its body was never read: close rather than wait for it
        return super()._keepalive_after(conn, keepalive)

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.ready.pop(conn, None)
        self.unbuffered.discard(conn)
        super().finish_request(conn, fs)
