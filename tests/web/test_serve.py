"""`make serve` starts the production server (gunicorn, DEBUG off): /healthz answers 200, and goes on answering
while slow clients hold connections to it directly."""

from __future__ import annotations

import secrets
import select
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.server_env import serving

# Slow, so `make test` runs it and `make test-fast` leaves it out: starts the production server (gunicorn) in a new
# process.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    """scripts/serve as `make serve` runs it, with one worker (of 4 threads, the default), on any free port."""
    tmp_path = tmp_path_factory.mktemp("serve")
    env = {
        "WEB_CONCURRENCY": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    with serving(env) as served:
        yield served.url


def health(url: str) -> tuple[int, float]:
    """(status, seconds) of one GET /healthz on a new connection; status 0 if it got no answer within 5 s."""
    began = time.monotonic()
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
            status = response.status if response.read() == b"ok\n" else -1
    except OSError:
        status = 0
    return status, time.monotonic() - began


def test_the_production_server_starts_and_its_health_check_answers_200(served):
    assert health(served)[0] == 200


SLOW_HEADS = 20  # send their head a byte a second
SLOW_BODIES = 5  # send a whole head declaring a body, then the body a byte a second
LOAD_SECONDS = 12.0  # well past the 5 s a head, then a body, may take (resilience_site/gunicorn_worker.py): a loaded
# machine can be seconds late to cut a client off
HEALTH_EVERY = 0.2
# The balancer's health check gives up after 1 s (deploy/haproxy.cfg); two cores are shared with the slow clients.
HEALTH_QUICKLY = 1.0


def dribble(url: str, stop: float) -> list[float | None]:
    """SLOW_HEADS + SLOW_BODIES connections, each sent one more byte every second until `stop`. The seconds after
    which the server cut each one off (an answer or a close), or None for one still open at `stop`."""
    address = urlsplit(url)
    head = b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"x" * 100
    body_head = b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n"
    began = time.monotonic()
    clients = []
    for number in range(SLOW_HEADS + SLOW_BODIES):
        client = socket.create_connection((address.hostname, address.port), timeout=5)
        client.setblocking(False)
        if number >= SLOW_HEADS:
            client.sendall(body_head)
        clients.append(client)
    cut_off: list[float | None] = [None] * len(clients)
    sent = 0
    while time.monotonic() < stop:
        for number, client in enumerate(clients):
            if cut_off[number] is None:
                try:
                    client.send(head[sent : sent + 1] if number < SLOW_HEADS else b"x")
                except OSError:
                    cut_off[number] = time.monotonic() - began
        sent += 1
        wake = time.monotonic() + 1
        while (left := wake - time.monotonic()) > 0:
            waiting = [c for n, c in enumerate(clients) if cut_off[n] is None]
            if not waiting:
                time.sleep(left)
                break
            readable, _, _ = select.select(waiting, [], [], left)
            for client in readable:
                cut_off[clients.index(client)] = time.monotonic() - began  # an answer (408) or a close
    for client in clients:
        client.close()
    return cut_off


def test_slow_clients_reaching_the_server_directly_do_not_stop_its_health_check(served):
    stop = time.monotonic() + LOAD_SECONDS
    cut_off: list[float | None] = []
    slow = threading.Thread(target=lambda: cut_off.extend(dribble(served, stop)))
    slow.start()
    checks = []
    while time.monotonic() < stop:
        checks.append(health(served))
        time.sleep(HEALTH_EVERY)
    slow.join(timeout=30)

    seconds = sorted(s for _status, s in checks)
    print(f"\n{len(checks)} health checks, slowest {seconds[-1] * 1000:.0f} ms; slow clients cut off after {cut_off}")
    assert len(checks) >= LOAD_SECONDS / (HEALTH_EVERY + HEALTH_QUICKLY)
    assert all(status == 200 for status, _seconds in checks), checks
    # Nine in ten within the balancer's 1 s. (On a shared two-core machine a check can wait for the CPU behind the
    # rest of the suite: 1.8 s was seen once with the machine at a load of 10. A slow client holding the thread a
    # check needs makes it unanswered for 5 s, which the line above catches.)
    assert seconds[len(seconds) * 9 // 10 - 1] < HEALTH_QUICKLY, seconds[-5:]
    # Every slow client was cut off, a few seconds after the 5 s its head (or its body) may take.
    assert len(cut_off) == SLOW_HEADS + SLOW_BODIES and None not in cut_off, cut_off
    assert all(4 <= s < LOAD_SECONDS for s in cut_off), cut_off


def exchange(url: str, *pieces: bytes, pause: float = 0.3) -> tuple[bytes, float]:
    """Send `pieces` on one connection, `pause` apart; everything the server answered until it closed, and how long
    after the last piece it closed."""
    address = urlsplit(url)
    with socket.create_connection((address.hostname, address.port), timeout=5) as client:
        for number, piece in enumerate(pieces):
            if number:
                time.sleep(pause)
            client.sendall(piece)
        sent = time.monotonic()
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
        return answer, time.monotonic() - sent


def test_requests_arriving_in_pieces_and_one_after_another_on_a_connection_are_answered(served):
    get = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    answer, _seconds = exchange(
        served,
        b"\r\n" + get[:10],  # an empty line may come first
        get[10:] + b"\r\n" + get + b"Conn",  # the second request starts before the first is answered
        b"ection: close\r\n\r\n",
    )
    assert answer.count(b"HTTP/1.1 200 OK") == 2 and answer.endswith(b"ok\n")
    # A body in two pieces, then the next request: the server reads exactly the body's length.
    post = b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 30\r\n\r\n"
    answer, _seconds = exchange(served, post + b"x" * 10, b"x" * 20 + get + b"Connection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 403") and answer.count(b"HTTP/1.1 200 OK") == 1 and answer.endswith(b"ok\n")


def test_a_client_that_waits_to_be_asked_for_its_body_is_asked(served):
    address = urlsplit(served)
    with socket.create_connection((address.hostname, address.port), timeout=5) as client:
        client.sendall(
            b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 30\r\n\r\n"
        )
        assert client.recv(1000).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        client.sendall(b"x" * 30)
        answer = b""
        while b"HTTP/1.1 403" not in answer and (chunk := client.recv(65536)):
            answer += chunk
        assert b"HTTP/1.1 403" in answer


def test_a_body_too_large_to_hold_is_refused_at_once_and_the_connection_closed(served):
    too_large = b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000000\r\n\r\n"
    answer, seconds = exchange(served, too_large + b"x" * 1000)
    assert answer.startswith(b"HTTP/1.1 413") and seconds < 2
    chunked = b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    answer, seconds = exchange(served, chunked + b"10\r\n")  # and the rest never comes
    assert answer.startswith(b"HTTP/1.1 ") and seconds < 2


def test_a_head_too_large_to_be_a_request_is_refused(served):
    # Just over the 64 KiB a head may take, so the server has read it all when it answers (unread bytes would
    # make its close a reset, which can overtake the answer).
    answer, seconds = exchange(served, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"x" * 65_600)
    assert answer.startswith(b"HTTP/1.1 431") and seconds < 2
