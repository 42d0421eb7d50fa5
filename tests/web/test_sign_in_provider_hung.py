"""A hung sign-in provider cannot take the app down.

The app runs in gunicorn as `make serve` runs it (its gthread worker), with one worker of four threads so that a
handful of clients is enough to fill it. The project's own provider is paused with SIGSTOP: it accepts connections
and never answers. Twenty-four clients loop on starting a sign-in and sending the callback a made-up code with the
state they were given (each such code exchange would hold a thread for OIDC_TIMEOUT_SECONDS), and on callbacks with
a state nobody was given. Meanwhile the health check is asked four times a second.

Without the cap on calls to the provider, all four threads wait on it and the health check waits behind them.
"""

from __future__ import annotations

import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.oidc import OIDC_DOMAIN, ProviderProcess

# Slow, so `make test` runs it and `make test-fast` leaves it out: the OpenID Connect provider, paused, and sign-ins
# waiting out their timeouts.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 24
TIMEOUT = 2  # OIDC_TIMEOUT_SECONDS for the server
THREADS = 4
CAP = 2  # OIDC_MAX_CONCURRENT_CALLS: the default
LOAD_SECONDS = 3 * TIMEOUT
HEALTH_EVERY = 0.25
# A health check answered within this is answered "quickly": the balancer's check times out after 1 s
# (deploy/haproxy.cfg), and two cores are shared with the load itself.
HEALTH_QUICKLY = 0.5
# The longest any sign-in request may take: one provider timeout, plus room for a loaded machine.
SIGN_IN_LONGEST = TIMEOUT + 1.5


@dataclass
class Seen:
    """What the clients saw: (what, status, seconds) for each request."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[tuple[str, int, float]] = field(default_factory=list)

    def add(self, what: str, status: int, seconds: float) -> None:
        with self.lock:
            self.requests.append((what, status, seconds))

    def of(self, what: str) -> list[tuple[int, float]]:
        return [(status, seconds) for kind, status, seconds in self.requests if kind == what]


def serve(tmp_path: Path, provider: ProviderProcess) -> tuple[subprocess.Popen, str]:
    """gunicorn as scripts/serve runs it, with one worker of THREADS threads, configured for the test provider."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="resilience_site.settings",
        # DEBUG on only so the pages need no collectstatic manifest; nothing here depends on it.
        DEBUG="true",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="http://testserver",
        OIDC_ISSUER=provider.issuer,
        OIDC_CLIENT_ID="checkin-secret",
        OIDC_CLIENT_SECRET=provider.client_secret,
        ALLOWED_EMAIL_DOMAINS=OIDC_DOMAIN,
        OIDC_TIMEOUT_SECONDS=str(TIMEOUT),
        OIDC_MAX_CONCURRENT_CALLS=str(CAP),
        # The throttle would refuse these clients (one address) long before the cap mattered: this test is the cap's.
        OIDC_SIGN_IN_LIMIT_PER_MINUTE="1000000",
        LOG_LEVEL="ERROR",
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "resilience_site.wsgi",
            "--bind=127.0.0.1:0",
            "--workers=1",
            "--worker-class=resilience_site.gunicorn_worker.BufferingThreadWorker",
            f"--threads={THREADS}",
            "--timeout=30",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = server.stderr.readline()
        if not line and server.poll() is not None:
            raise AssertionError("gunicorn stopped before listening")
        if match := re.search(r"Listening at: (http://\S+)", line):
            # Keep reading its errors, so a full pipe never blocks it; the reader closes the pipe at the end.
            server.drain = threading.Thread(target=_read_to_the_end, args=(server.stderr,), daemon=True)
            server.drain.start()
            return server, match.group(1)
    server.kill()
    server.wait(timeout=30)
    server.stderr.close()
    raise AssertionError("gunicorn did not start listening within 60 s")


def _read_to_the_end(stream) -> None:
    with stream:
        stream.read()


def sign_in_loop(base: str, seen: Seen, stop: float) -> None:
    """One client: start a sign-in, send the callback a made-up code with the state it was given, then a callback
    with a state nobody was given; again until `stop`."""
    with requests.Session() as browser:
        while time.monotonic() < stop:
            began = time.monotonic()
            start = browser.get(f"{base}/sign-in/organisation/", allow_redirects=False, timeout=30)
            seen.add("start", start.status_code, time.monotonic() - began)
            if start.status_code != 302:
                continue
            state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
            began = time.monotonic()
            callback = browser.get(
                f"{base}/sign-in/organisation/callback/",
                params={"code": secrets.token_urlsafe(16), "state": state},
                allow_redirects=False,
                timeout=30,
            )
            kind = "callback busy" if callback.headers.get("Retry-After") == "60" else "callback"
            seen.add(kind, callback.status_code, time.monotonic() - began)
            began = time.monotonic()
            forged = requests.get(
                f"{base}/sign-in/organisation/callback/",
                params={"code": "made-up", "state": secrets.token_urlsafe(16)},
                allow_redirects=False,
                timeout=30,
            )
            seen.add("forged callback", forged.status_code, time.monotonic() - began)


def health_loop(base: str, seen: Seen, stop: float) -> None:
    while time.monotonic() < stop:
        began = time.monotonic()
        try:
            status = requests.get(f"{base}/healthz", timeout=5).status_code
        except requests.RequestException:
            status = 0
        seen.add("health", status, time.monotonic() - began)
        time.sleep(HEALTH_EVERY)


def test_with_the_provider_hung_health_checks_answer_and_no_sign_in_waits_longer_than_one_timeout(
    tmp_path, oidc_provider
):
    server, base = serve(tmp_path, oidc_provider)
    seen = Seen()
    try:
        # Warm: the worker fetched the discovery document and keys as it started; one start makes sure.
        deadline = time.monotonic() + 30
        while requests.get(f"{base}/sign-in/organisation/", allow_redirects=False, timeout=10).status_code != 302:
            assert time.monotonic() < deadline, "the server never reached the provider"
            time.sleep(0.2)
        with oidc_provider.not_answering():
            stop = time.monotonic() + LOAD_SECONDS
            threads = [threading.Thread(target=health_loop, args=(base, seen, stop))]
            threads += [threading.Thread(target=sign_in_loop, args=(base, seen, stop)) for _ in range(CLIENTS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=LOAD_SECONDS + 40)
            assert not any(thread.is_alive() for thread in threads)
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.drain.join(timeout=10)

    health = seen.of("health")
    health_seconds = [seconds for _status, seconds in health]
    sign_ins = [r for r in seen.requests if r[0] != "health"]
    print(
        f"\nprovider hung, {CLIENTS} clients, {THREADS} threads, cap {CAP}: "
        f"{len(health)} health checks, median {statistics.median(health_seconds) * 1000:.0f} ms, "
        f"max {max(health_seconds) * 1000:.0f} ms; {len(sign_ins)} sign-in requests, "
        f"longest {max(s for _k, _st, s in sign_ins):.2f} s; "
        + ", ".join(
            f"{kind}: {len(seen.of(kind))}" for kind in ("start", "callback", "callback busy", "forged callback")
        )
    )
    # The health check kept answering, quickly, all along.
    assert len(health) >= LOAD_SECONDS / (HEALTH_EVERY + HEALTH_QUICKLY)
    assert all(status == 200 for status, _seconds in health), health
    assert max(health_seconds) < HEALTH_QUICKLY, sorted(health_seconds)[-5:]
    # No sign-in request waited longer than one provider timeout: the ones with a slot were told "not answering"
    # after it, the others "busy" at once; starts (discovery warm) and forged callbacks never waited at all.
    assert max(seconds for _kind, _status, seconds in sign_ins) < SIGN_IN_LONGEST
    assert {status for status, _seconds in seen.of("callback")} == {503}  # "not answering just now"
    assert len(seen.of("callback busy")) > len(seen.of("callback"))
    assert all(status == 503 and seconds < HEALTH_QUICKLY for status, seconds in seen.of("callback busy"))
    assert all(status == 302 for status, _seconds in seen.of("start"))
    assert all(status == 400 for status, _seconds in seen.of("forged callback"))
    # At most CAP code exchanges at once, each taking one timeout: about CAP per timeout over the run.
    assert len(seen.of("callback")) <= CAP * (LOAD_SECONDS / TIMEOUT + 1)
