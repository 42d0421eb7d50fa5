"""`make serve` reached directly and through deploy/haproxy.cfg, under what issue 27 found (items 1 and 2).

One app server, started by scripts/serve (production settings, its default 2 x cores + 1 workers of 4 threads, on
DATABASE_URL if set, else SQLite in a temporary folder: use PostgreSQL, as SQLite locks under 20 concurrent
sign-ins), the project's test OpenID Connect provider, and Debian's haproxy with deploy/haproxy.cfg as it is (this
server as app1; app2 and app3 on a port nobody listens on, so they are down; maxconn workers x 3). Each scenario runs
for --seconds while /healthz is asked every 0.25 s with the balancer's 1 s timeout, directly, then through the
balancer (each route with a fresh server and provider):

- provider-hung: the provider is paused (SIGSTOP); 24 clients loop on starting a sign-in with the organisation and
  sending the callback a made-up code with the state they were given (the sign-in throttle raised, as if they came
  from 24 addresses).
- slow-clients: 25 connections (20 sending their head a byte a second, 5 a body after a Content-Length), each opened
  again as soon as the server cuts it off.
- wrong-passwords: 20 clients at once post a wrong password for a made-up username, again and again (throttling
  raised so every one is hashed); the RSS of the server's processes (master and workers) is summed every 0.1 s.

    .venv/bin/python loadtest/serve_under_attack.py [--seconds 20] [--only provider-hung,slow-clients,...]

Needs node with tests/oidc_provider installed (make oidc-provider) and haproxy (apt-get install haproxy). Loopback
only; everything it starts is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
APP_PORT, FRONT_PORT = 8610, 8690
SITE = f"http://127.0.0.1:{APP_PORT}"
CALLBACK = "/sign-in/organisation/callback/"


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def start_provider(folder: Path) -> tuple[subprocess.Popen, str, str]:
    secret = secrets.token_urlsafe(32)
    client = {
        "client_id": "checkin-secret",
        "client_secret": secret,
        "token_endpoint_auth_method": "client_secret_basic",
        "redirect_uris": [SITE + CALLBACK, f"http://127.0.0.1:{FRONT_PORT}{CALLBACK}"],
        "post_logout_redirect_uris": [SITE + "/accounts/login/"],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
    }
    config = folder / "provider.json"
    config.write_text(json.dumps({"clients": [client], "accounts": {}, "acr_values": []}))
    provider = subprocess.Popen(
        ["node", "provider.mjs", str(config)],
        cwd=ROOT / "tests" / "oidc_provider",
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # once woken, it refuses every made-up code, each with a line
        text=True,
    )
    ready, _, _ = select.select([provider.stdout], [], [], 30)
    line = provider.stdout.readline() if ready else ""
    if not line.startswith("READY "):
        raise SystemExit(f"the test provider did not start (it said {line!r})")
    return provider, line.split()[1], secret


def app_env(folder: Path) -> dict[str, str]:
    """The app's production settings for this run (DEBUG off), the same for the server and its error pages."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.setdefault("DATABASE_URL", f"sqlite:///{folder / 'db.sqlite3'}")
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        PRIVATE_WORDS_KEYS=Fernet.generate_key().decode(),
        STATIC_ROOT=str(folder / "static"),
        ALLOWED_HOSTS="127.0.0.1",
    )
    return env


def start_server(folder: Path, env: dict[str, str], issuer: str, secret: str) -> subprocess.Popen:
    env = dict(
        env,
        PY=sys.executable,
        PORT=str(APP_PORT),
        SITE_URL=SITE,
        # Plain http on loopback.
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        OIDC_ISSUER=issuer,
        OIDC_CLIENT_ID="checkin-secret",
        OIDC_CLIENT_SECRET=secret,
        ALLOWED_EMAIL_DOMAINS="example.nhs.uk",
        OIDC_SIGN_IN_LIMIT_PER_MINUTE="1000000",
        LOGIN_FAILURE_LIMIT="1000000",
        LOGIN_ADDRESS_FAILURE_LIMIT="1000000",
        LOG_LEVEL="WARNING",
    )
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "serve")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "server.log", "w"),  # noqa: SIM115 (closed with the process)
        start_new_session=True,
    )
    wait_for(f"{SITE}/healthz", server)
    return server


def start_balancer(folder: Path, env: dict[str, str], workers: int) -> subprocess.Popen:
    pages = folder / "errors"
    subprocess.run(
        [sys.executable, "manage.py", "render_error_pages", str(pages)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    env = dict(
        os.environ,
        FRONTEND_BIND=f"127.0.0.1:{FRONT_PORT}",
        APP1=f"127.0.0.1:{APP_PORT}",
        APP2="127.0.0.1:9",
        APP3="127.0.0.1:9",
        APP_MAXCONN=str(workers * 3),
        ERROR_PAGES=str(pages),
        STATS_SOCKET=str(folder / "haproxy.sock"),
    )
    balancer = subprocess.Popen(
        ["haproxy", "-db", "-f", str(ROOT / "deploy" / "haproxy.cfg")],
        env=env,
        stdout=open(folder / "haproxy.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    wait_for(f"http://127.0.0.1:{FRONT_PORT}/healthz", balancer)
    return balancer


def wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{process.args[0]} stopped before answering {url}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"nothing answered {url} within 120 s")


def server_pids(master: int) -> list[int]:
    """The server's processes: scripts/serve exec's gunicorn, so the master is the process started, and its
    children are the workers."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [master, *map(int, children)]


def rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return total / 1024


def health_loop(base: str, stop: float, seen: list[tuple[int, float]]) -> None:
    while time.monotonic() < stop:
        began = time.monotonic()
        try:
            status = requests.get(f"{base}/healthz", timeout=1).status_code
        except requests.RequestException:
            status = 0
        seen.append((status, time.monotonic() - began))
        time.sleep(0.25)


def sign_in_loop(base: str, stop: float, counts: dict[str, int]) -> None:
    with requests.Session() as browser:
        while time.monotonic() < stop:
            try:
                start = browser.get(f"{base}/sign-in/organisation/", allow_redirects=False, timeout=30)
                counts[f"start {start.status_code}"] = counts.get(f"start {start.status_code}", 0) + 1
                if start.status_code != 302:
                    continue
                state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
                callback = browser.get(
                    base + CALLBACK, params={"code": "made-up", "state": state}, allow_redirects=False, timeout=30
                )
                kind = f"callback {callback.status_code}" + (
                    " busy" if callback.headers.get("Retry-After") == "60" else ""
                )
                counts[kind] = counts.get(kind, 0) + 1
            except requests.RequestException:
                counts["no answer"] = counts.get("no answer", 0) + 1


def slow_clients(base: str, stop: float, counts: dict[str, int]) -> None:
    """25 connections sending a byte a second; one cut off is opened again at once."""
    address = urlsplit(base)
    head = b"GET /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"x" * 1000
    body_head = b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n"
    clients: list[tuple[socket.socket, int, float]] = []

    def connect(number: int) -> tuple[socket.socket, int, float]:
        client = socket.create_connection((address.hostname, address.port), timeout=5)
        if number >= 20:
            client.sendall(body_head)
        client.setblocking(False)
        return client, 0, time.monotonic()

    clients = [connect(number) for number in range(25)]
    cut_after: list[float] = []
    while time.monotonic() < stop:
        for number, (client, sent, opened) in enumerate(clients):
            try:
                readable, _, _ = select.select([client], [], [], 0)
                if readable:
                    raise ConnectionResetError  # an answer (a 408) or a close: cut off
                client.send(head[sent : sent + 1] if number < 20 else b"x")
                clients[number] = (client, sent + 1, opened)
            except OSError:
                client.close()
                cut_after.append(time.monotonic() - opened)
                clients[number] = connect(number)
        time.sleep(1)
    for client, _sent, _opened in clients:
        client.close()
    counts["cut off"] = len(cut_after)
    if cut_after:
        counts["cut off after (s, longest)"] = round(max(cut_after), 1)


def wrong_password_loop(base: str, stop: float, counts: dict[str, int]) -> None:
    with requests.Session() as browser:
        while time.monotonic() < stop:
            try:
                page = browser.get(f"{base}/accounts/login/", timeout=30)
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
                answer = browser.post(
                    f"{base}/accounts/login/",
                    data={
                        "csrfmiddlewaretoken": token,
                        "username": f"nobody{secrets.randbelow(10**6)}@example.nhs.uk",
                        "password": "not-the-password",
                    },
                    headers={"Referer": f"{base}/accounts/login/"},
                    allow_redirects=False,
                    timeout=30,
                )
                counts[f"sign-in {answer.status_code}"] = counts.get(f"sign-in {answer.status_code}", 0) + 1
            except (requests.RequestException, AttributeError):
                counts["no answer"] = counts.get("no answer", 0) + 1


def scenario(name: str, base: str, seconds: float, provider: subprocess.Popen, pids: list[int]) -> dict:
    stop = time.monotonic() + seconds
    health: list[tuple[int, float]] = []
    counts: dict[str, int] = {}
    threads = [threading.Thread(target=health_loop, args=(base, stop, health))]
    if name == "provider-hung":
        threads += [threading.Thread(target=sign_in_loop, args=(base, stop, counts)) for _ in range(24)]
    elif name == "slow-clients":
        threads += [threading.Thread(target=slow_clients, args=(base, stop, counts))]
    elif name == "wrong-passwords":
        threads += [threading.Thread(target=wrong_password_loop, args=(base, stop, counts)) for _ in range(20)]
    idle = rss_mib(pids)
    peak = idle
    if name == "provider-hung":
        os.kill(provider.pid, signal.SIGSTOP)
    try:
        for thread in threads:
            thread.start()
        while time.monotonic() < stop:
            peak = max(peak, rss_mib(pids))
            time.sleep(0.1)
        for thread in threads:
            thread.join(timeout=60)
    finally:
        if name == "provider-hung":
            os.kill(provider.pid, signal.SIGCONT)
    answered = [s for status, s in health if status == 200]
    return {
        "health checks": len(health),
        "answered (200 within 1 s)": len(answered),
        "failed": len(health) - len(answered),
        "slowest answered ms": round(max(answered, default=0) * 1000),
        "server RSS MiB before / peak": f"{idle:.0f} / {peak:.0f}",
        **dict(sorted(counts.items())),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--only", default="provider-hung,slow-clients,wrong-passwords")
    args = parser.parse_args()
    # Each route gets a fresh server, so its memory figures are its own (a worker keeps what it once took).
    for route in ("directly", "balancer"):
        with tempfile.TemporaryDirectory(prefix="serve-under-attack-") as name:
            folder = Path(name)
            started: list[subprocess.Popen] = []
            try:
                provider, issuer, secret = start_provider(folder)
                started.append(provider)
                env = app_env(folder)
                server = start_server(folder, env, issuer, secret)
                started.append(server)
                pids = server_pids(server.pid)
                base = SITE
                if route == "balancer":
                    started.append(start_balancer(folder, env, len(pids) - 1))
                    base = f"http://127.0.0.1:{FRONT_PORT}"
                log(f"{route}: server up, {len(pids) - 1} workers, {rss_mib(pids):.0f} MiB")
                for scenario_name in args.only.split(","):
                    time.sleep(3)  # the last scenario's connections closed, the provider's backlog answered
                    figures = scenario(scenario_name, base, args.seconds, provider, pids)
                    log(f"{scenario_name}, {route}: {json.dumps(figures)}")
                if route == "balancer":
                    log("haproxy's view of app1: " + haproxy_stat(folder / "haproxy.sock"))
            finally:
                for process in reversed(started):
                    process.send_signal(signal.SIGTERM)
                    process.wait(timeout=40)
    return 0


def haproxy_stat(sock_path: Path) -> str:
    with socket.socket(socket.AF_UNIX) as unix:
        unix.connect(str(sock_path))
        unix.sendall(b"show stat\n")
        text = b""
        while chunk := unix.recv(65536):
            text += chunk
    lines = text.decode().splitlines()
    columns = lines[0].lstrip("# ").split(",")
    rows = [dict(zip(columns, line.split(","), strict=False)) for line in lines[1:] if line]
    return "; ".join(
        f"{row['pxname']}: status {row['status']}, went down {row['chkdown']} times, 503s {row.get('hrsp_5xx', '')}"
        for row in rows
        if row.get("svname") == "app1"
    )


if __name__ == "__main__":
    sys.exit(main())
