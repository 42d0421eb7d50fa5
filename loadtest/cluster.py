"""make loadtest-cluster: three app servers behind haproxy (deploy/haproxy.cfg) on a private PostgreSQL primary
with a synchronous standby, then one short scenario after another, each with one fault, each checked afterwards.

Loopback only, bounded in time (every step has a timeout, and the whole run stops itself after --budget seconds),
and it cleans up after itself: it never touches the machine's own PostgreSQL cluster. Results go to
loadtest/results/cluster-<time>/, one folder per scenario, and a summary.md with the figures.

    .venv/bin/python loadtest/cluster.py                       # every scenario (about 9 minutes)
    .venv/bin/python loadtest/cluster.py --scenarios normal --worker-class sync     # one, to compare workers
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
PGBIN = Path("/usr/lib/postgresql/15/bin")
FRONT = 8600
APPS = {"app1": 8601, "app2": 8602, "app3": 8603}
PRIMARY_PORT, STANDBY_PORT = 55432, 55433
PASSWORD = "load-test-password-2026"
WORKERS = {
    "gthread": (
        "--worker-class resilience_site.gunicorn_worker.BufferingThreadWorker --workers 2 --threads 4",
        6,
    ),  # (gunicorn arguments, haproxy maxconn)
    "sync": ("--worker-class sync --workers 2", 2),
}


def log(message: str) -> None:
    print(f"== {time.strftime('%H:%M:%S', time.gmtime())} {message}", flush=True)


def run(cmd, *, timeout: float = 120, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, timeout=timeout, check=check, text=True, capture_output=True, **kwargs)


def as_postgres(*cmd, timeout: float = 60, check: bool = True) -> subprocess.CompletedProcess:
    """initdb and pg_ctl refuse to run as root: run them as the postgres user."""
    line = shlex.join(str(c) for c in cmd)
    return run(["su", "postgres", "-s", "/bin/sh", "-c", line], timeout=timeout, check=check)


def get(url: str, timeout: float = 3) -> tuple[int, float]:
    """(status, seconds); status 0 when there was no answer."""
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status, time.monotonic() - start
    except urllib.error.HTTPError as exc:
        return exc.code, time.monotonic() - start
    except OSError:
        return 0, time.monotonic() - start


class PrivatePostgres:
    """A primary and a synchronous standby in a temporary folder (TOOLING.md's recipe)."""

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="resilience-pg-"))
        postgres = pwd.getpwnam("postgres")
        os.chown(self.base, postgres.pw_uid, postgres.pw_gid)
        self.primary, self.standby = self.base / "primary", self.base / "standby"

    def psql(self, sql: str, port: int = PRIMARY_PORT) -> str:
        cmd = [PGBIN / "psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "postgres", "-tAc", sql]
        return run([str(c) for c in cmd]).stdout.strip()

    def start(self) -> None:
        as_postgres(PGBIN / "initdb", "-D", self.primary, "-A", "trust", "-U", "postgres")
        with open(self.primary / "postgresql.conf", "a") as conf:
            conf.write(
                f"port = {PRIMARY_PORT}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.base}'\n"
                "wal_level = replica\nmax_wal_senders = 5\n"
                "max_connections = 40\nshared_buffers = 32MB\n"
            )
        with open(self.primary / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        as_postgres(PGBIN / "pg_ctl", "-D", self.primary, "-l", self.base / "primary.log", "-w", "start")
        # A role that is not a superuser: the reserved superuser slots must not hide an exhausted database.
        self.psql("CREATE ROLE app LOGIN")
        self.psql("CREATE ROLE hog LOGIN")
        self.psql("CREATE DATABASE loadtest OWNER app")
        as_postgres(
            PGBIN / "pg_basebackup", "-h", "127.0.0.1", "-p", PRIMARY_PORT, "-U", "postgres",
            "-D", self.standby, "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        with open(self.standby / "postgresql.conf", "a") as conf:
            # After a promotion nobody is its standby: waiting for one would hang every commit.
            conf.write(
                f"port = {STANDBY_PORT}\nunix_socket_directories = '{self.base}'\nsynchronous_standby_names = ''\n"
            )
        with open(self.standby / "postgresql.auto.conf", "a") as conf:
            conf.write(
                f"primary_conninfo = 'host=127.0.0.1 port={PRIMARY_PORT} user=postgres application_name=standby1'\n"
            )
        as_postgres(PGBIN / "pg_ctl", "-D", self.standby, "-l", self.base / "standby.log", "-w", "start")
        # Synchronous only now: set before the standby exists, every commit (CREATE ROLE too) would wait for it.
        self.psql("ALTER SYSTEM SET synchronous_standby_names = 'standby1'")
        self.psql("SELECT pg_reload_conf()")
        for _ in range(50):
            if self.psql("SELECT sync_state FROM pg_stat_replication") == "sync":
                return
            time.sleep(0.2)
        raise RuntimeError("the standby did not become synchronous")

    def stop(self) -> None:
        for folder in (self.primary, self.standby):
            if (folder / "postmaster.pid").exists():
                as_postgres(PGBIN / "pg_ctl", "-D", folder, "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.base, ignore_errors=True)


@dataclass
class Scenario:
    name: str
    what: str
    expect_outage: bool  # the database is down: the app's friendly 503 is expected (and retried), nothing else
    fault: str | None


SCENARIOS = [
    Scenario("normal", "no fault (and a probe of /livez and /healthz on app1 every 0.25 s)", False, None),
    Scenario("slow-clients", "12 connections send a header line every 3 s for 30 s", False, None),
    Scenario("server-killed", "app2 killed (SIGKILL, master and workers), restarted 8 s later", False, "kill"),
    Scenario("server-hung", "app2 stopped (SIGSTOP) for 15 s", False, "hang"),
    Scenario(
        "rolling-restart", "deploy/rolling-restart: app1, app2, app3 drained and restarted in turn", False, "roll"
    ),
    Scenario("db-restart", "the private primary restarted (pg_ctl -m fast restart)", True, "db-restart"),
    Scenario("db-exhausted", "every free connection slot taken for 15 s", True, "db-exhaust"),
    Scenario("db-failover", "primary killed (immediate), standby promoted 2 s later", True, "failover"),
]


@dataclass
class Cluster:
    out: Path
    env: dict
    pg: PrivatePostgres
    users: int
    duration: int
    fault_after: int
    haproxy: subprocess.Popen | None = None
    running: list = field(default_factory=list)

    @property
    def socket(self) -> str:
        return str(self.out / "haproxy.sock")

    def app_server(self, *args: str) -> None:
        run([str(ROOT / "loadtest" / "app-server"), *args], env=self.env, timeout=90)

    def api(self, command: str) -> str:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(5)
            sock.connect(self.socket)
            sock.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def stats(self) -> list[dict]:
        text = self.api("show stat").lstrip("# ")
        return [row for row in csv.DictReader(text.splitlines()) if row["svname"] in APPS]

    def wait_all_up(self, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(row["status"] == "UP" for row in self.stats()):
                return
            time.sleep(0.25)
        raise RuntimeError(f"not every server is UP: {[(r['pxname'], r['svname'], r['status']) for r in self.stats()]}")

    def django(self, code: str) -> str:
        script = f"import django; django.setup()\n{code}"
        return run([self.env["PY"], "-c", script], env=self.env, cwd=ROOT, timeout=120).stdout

    def start(self, worker_class: str) -> None:
        log("private PostgreSQL: primary and synchronous standby")
        self.pg.start()
        log("migrate, collectstatic, seed, error pages")
        py = self.env["PY"]
        for cmd in (
            [py, "manage.py", "migrate", "--noinput", "-v0"],
            [py, "manage.py", "collectstatic", "--noinput", "-v0"],
            [py, "manage.py", "seed_demo"],
            [py, "loadtest/seed_users.py", "--practitioners", "300", "--teams", "6"],
            [py, "manage.py", "render_error_pages", str(self.out / "errors")],
        ):
            run(cmd, env=self.env, cwd=ROOT, timeout=300)
        gunicorn_args, maxconn = WORKERS[worker_class]
        self.env["GUNICORN_ARGS"] = gunicorn_args
        log(f"three app servers ({gunicorn_args}) and haproxy on 127.0.0.1:{FRONT}")
        for name, port in APPS.items():
            self.app_server("start", name, str(port))
        haproxy_env = {
            **self.env,
            "FRONTEND_BIND": f"127.0.0.1:{FRONT}",
            **{name.upper(): f"127.0.0.1:{port}" for name, port in APPS.items()},
            "APP_MAXCONN": str(maxconn),
            "ERROR_PAGES": str(self.out / "errors"),
            "STATS_SOCKET": self.socket,
        }
        config = str(ROOT / "deploy" / "haproxy.cfg")
        run(["haproxy", "-c", "-f", config], env=haproxy_env)
        self.haproxy = subprocess.Popen(
            ["haproxy", "-db", "-f", config],
            env=haproxy_env,
            stdout=open(self.out / "haproxy.log", "w"),
            stderr=subprocess.STDOUT,
        )
        for _ in range(50):
            if os.path.exists(self.socket):
                break
            time.sleep(0.1)
        self.wait_all_up()

    def front_end_checks(self) -> dict:
        """What a scanner sees at the balancer: uploads, huge and chunked bodies refused before they are read."""

        def first_line(head: bytes, body: bytes = b"") -> str:
            with socket.create_connection(("127.0.0.1", FRONT), timeout=5) as conn:
                conn.sendall(head + body)
                answer = conn.recv(4096).decode(errors="replace")
            status = answer.split("\r\n", 1)[0]
            return status + (" (the app's page)" if "That was too much to send" in answer else "")

        host = b"Host: 127.0.0.1\r\n"
        return {
            "multipart body": first_line(
                b"POST /accounts/login/ HTTP/1.1\r\n"
                + host
                + b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 10\r\n\r\n",
                b"0123456789",
            ),
            "100 MB declared": first_line(
                b"POST /accounts/login/ HTTP/1.1\r\n"
                + host
                + b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 104857600\r\n\r\n"
            ),
            "chunked body": first_line(
                b"POST /accounts/login/ HTTP/1.1\r\n"
                + host
                + b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
            ),
        }

    def stop(self) -> None:
        for proc in self.running:
            if proc.poll() is None:
                proc.kill()
        if self.haproxy and self.haproxy.poll() is None:
            self.haproxy.terminate()
            self.haproxy.wait(timeout=10)
        for name in APPS:
            pidfile = self.out / f"{name}.pid"
            if pidfile.exists():
                pid = int(pidfile.read_text())
                for sig in (signal.SIGCONT, signal.SIGKILL):
                    try:
                        os.killpg(pid, sig)
                    except ProcessLookupError:
                        pass
        self.pg.stop()

    # --- faults ----------------------------------------------------------------------------------------------

    def app2_group(self) -> int:
        return int((self.out / "app2.pid").read_text())

    def fault(self, kind: str, record: dict) -> None:
        pg_ctl = PGBIN / "pg_ctl"
        if kind == "kill":
            os.killpg(self.app2_group(), signal.SIGKILL)
            time.sleep(8)
            self.app_server("start", "app2", str(APPS["app2"]))
        elif kind == "hang":
            os.killpg(self.app2_group(), signal.SIGSTOP)
            time.sleep(15)
            os.killpg(self.app2_group(), signal.SIGCONT)
        elif kind == "roll":
            restart = f"{ROOT / 'loadtest' / 'app-server'} restart"
            result = run(
                [str(ROOT / "deploy" / "rolling-restart"), self.socket, restart, *APPS], env=self.env, timeout=240
            )
            record["rolling-restart output"] = result.stdout.strip().splitlines()
        elif kind == "db-restart":
            # stop and start rather than restart: pg_ctl restart takes no log file, and would keep our pipe open.
            as_postgres(pg_ctl, "-D", self.pg.primary, "-m", "fast", "-w", "stop")
            as_postgres(pg_ctl, "-D", self.pg.primary, "-l", self.pg.base / "primary.log", "-w", "start")
        elif kind == "db-exhaust":
            import psycopg2

            hogs = []
            while True:
                try:
                    hogs.append(psycopg2.connect(host="127.0.0.1", port=PRIMARY_PORT, user="hog", dbname="postgres"))
                except psycopg2.OperationalError as exc:
                    record["slots taken"] = len(hogs)
                    record["refused with"] = str(exc).strip().splitlines()[0]
                    break
            time.sleep(15)
            for conn in hogs:
                conn.close()
        elif kind == "failover":
            as_postgres(pg_ctl, "-D", self.pg.primary, "-m", "immediate", "stop")
            record["primary killed"] = time.time()
            time.sleep(2)  # what a failover manager (Patroni, say) takes to decide; then it promotes
            as_postgres(pg_ctl, "-D", self.pg.standby, "-w", "promote")
            record["standby promoted"] = time.time()

    # --- one scenario ----------------------------------------------------------------------------------------

    def scenario(self, sc: Scenario) -> dict:
        folder = self.out / sc.name
        folder.mkdir()
        self.django(
            "from assessments.models import CheckIn\n"
            "CheckIn.objects.filter(status='draft', user__username__startswith='load-pwp-').delete()"
        )
        self.wait_all_up()
        offsets = {name: (self.out / f"{name}.log").stat().st_size for name in APPS}
        checks_before = {(r["pxname"], r["svname"]): int(r["chkfail"] or 0) for r in self.stats()}
        env = {
            **self.env,
            "LOADTEST_ACK_FILE": str(folder / "acks.jsonl"),
            "LOADTEST_OUTAGE_FILE": str(folder / "outage.json"),
            "LOADTEST_EXPECT_OUTAGE": "1" if sc.expect_outage else "0",
        }
        bin_dir = Path(self.env["PY"]).parent
        locust = subprocess.Popen(
            [
                str(bin_dir / "locust"), "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
                "-u", str(self.users), "-r", "12", "-t", f"{self.duration}s", "--host", f"http://127.0.0.1:{FRONT}",
                "--only-summary", "--csv", str(folder / "locust"), "--stop-timeout", "10",
            ],
            env=env, cwd=ROOT, stdout=open(folder / "locust.log", "w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.running.append(locust)
        record: dict = {"scenario": sc.name, "what": sc.what}
        helpers = []
        if sc.fault:
            helpers.append(threading.Thread(target=self._timed_fault, args=(sc.fault, record), daemon=True))
        if sc.name == "normal":
            helpers.append(threading.Thread(target=self._probe, args=(record,), daemon=True))
        if sc.name == "slow-clients":
            helpers.append(threading.Thread(target=self._slow_clients, args=(record,), daemon=True))
        for helper in helpers:
            helper.start()
        try:
            locust.wait(timeout=self.duration + 90)
        except subprocess.TimeoutExpired:
            locust.kill()
            record["locust"] = "killed: did not stop by itself"
        for helper in helpers:
            helper.join(timeout=240)
        record["locust exit code"] = locust.returncode
        with open(folder / "gunicorn.log", "w") as merged:
            for name in APPS:
                with open(self.out / f"{name}.log", errors="replace") as app_log:
                    app_log.seek(offsets[name])
                    merged.write(app_log.read())
        args = [self.env["PY"], "loadtest/verify.py", str(folder), "--users", str(self.users)]
        args += ["--duration", f"{self.duration}s"] + (["--expect-outage"] if sc.expect_outage else [])
        verify = run(args, env=self.env, cwd=ROOT, timeout=180, check=False)
        record["verify exit code"] = verify.returncode
        record["verify"] = verify.stdout.strip().splitlines()
        record["failed health checks"] = {
            f"{r['pxname']}/{r['svname']}": int(r["chkfail"] or 0) - checks_before[(r["pxname"], r["svname"])]
            for r in self.stats()
        }
        record.update(figures(folder, verify.stdout))
        (folder / "record.json").write_text(json.dumps(record, indent=2, default=str))
        return record

    def _timed_fault(self, kind: str, record: dict) -> None:
        time.sleep(self.fault_after)
        start = time.time()
        log(f"fault: {kind}")
        try:
            self.fault(kind, record)
        except Exception as exc:  # noqa: BLE001 - reported in the figures, never left to kill the run silently
            record["fault error"] = repr(exc)
        record["fault started"], record["fault ended"] = start, time.time()
        log(f"fault over: {kind} ({time.time() - start:.1f} s)")

    def _probe(self, record: dict) -> None:
        """How long app1 takes to answer its health checks under ordinary load (bypassing haproxy)."""
        samples: dict[str, list[float]] = {"livez": [], "healthz": []}
        failed = {"livez": 0, "healthz": 0}
        time.sleep(5)  # after the sign-in burst
        deadline = time.monotonic() + self.duration - 10
        while time.monotonic() < deadline:
            for path in samples:
                status, seconds = get(f"http://127.0.0.1:{APPS['app1']}/{path}", timeout=3)
                samples[path].append(seconds)
                failed[path] += status != 200
            time.sleep(0.25)
        for path, values in samples.items():
            values.sort()
            record[f"probe /{path}"] = {
                "samples": len(values),
                "p50 ms": round(1000 * statistics.median(values)),
                "p95 ms": round(1000 * values[int(0.95 * (len(values) - 1))]),
                "max ms": round(1000 * values[-1]),
                "over 1 s (haproxy's check timeout)": sum(v > 1 for v in values),
                "not 200": failed[path],
            }

    def _slow_clients(self, record: dict) -> None:
        """A dozen connections dribbling headers must not stop /healthz or a sign-in from answering."""
        time.sleep(5)
        sockets = []
        for _ in range(12):
            conn = socket.create_connection(("127.0.0.1", FRONT), timeout=5)
            conn.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            sockets.append(conn)
        closed_after: list[float] = []
        start = time.monotonic()
        health, sign_ins = [], []
        next_line = start + 3
        while time.monotonic() - start < 30:
            if time.monotonic() >= next_line:
                for conn in list(sockets):
                    try:
                        conn.sendall(b"X-Slow: 1\r\n")
                    except OSError:
                        closed_after.append(time.monotonic() - start)
                        sockets.remove(conn)
                next_line += 3
            health.append(get(f"http://127.0.0.1:{FRONT}/healthz", timeout=5))
            sign_ins.append(sign_in(f"http://127.0.0.1:{FRONT}"))
            time.sleep(0.5)
        answers = []
        for conn in sockets:
            try:
                conn.settimeout(1)
                answers.append(conn.recv(200).split(b"\r\n", 1)[0].decode(errors="replace"))
            except OSError as exc:
                answers.append(repr(exc))
            conn.close()
        record["slow clients"] = {
            "connections": 12,
            "closed by the balancer after (s)": [round(s, 1) for s in closed_after],
            "answers read by the slow clients": sorted(set(answers)),
            "/healthz: tries, not 200, max ms": (
                len(health),
                sum(s != 200 for s, _ in health),
                round(1000 * max(t for _, t in health)),
            ),
            "sign-ins: tries, refused, max ms": (
                len(sign_ins),
                sum(not ok for ok, _ in sign_ins),
                round(1000 * max(t for _, t in sign_ins)),
            ),
        }


def sign_in(base: str, username: str = "load-pwp-0300") -> tuple[bool, float]:
    """A real sign-in through the form: (signed in, seconds)."""
    start = time.monotonic()
    jar = urllib.request.HTTPCookieProcessor()
    opener = urllib.request.build_opener(jar, NoRedirect)
    try:
        page = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
        response = opener.open(f"{base}/accounts/login/", data=body.encode(), timeout=10)
        ok = response.status == 302
    except urllib.error.HTTPError as exc:
        ok = exc.code == 302
    except (OSError, AttributeError):
        ok = False
    return ok, time.monotonic() - start


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def figures(folder: Path, verify_output: str) -> dict:
    """The per-scenario figures: requests, failures by kind, seconds with an error page, acknowledged vs whole."""
    result: dict = {}
    stats = folder / "locust_stats.csv"
    if stats.exists():
        for row in csv.DictReader(stats.open()):
            if row["Name"] == "Aggregated":
                result["requests"] = int(row["Request Count"])
                result["failed requests"] = int(row["Failure Count"])
                result["max ms"] = round(float(row["Max Response Time"]))
    kinds: dict[str, int] = {}
    failures = folder / "locust_failures.csv"
    if failures.exists():
        for row in csv.DictReader(failures.open()):
            error = row["Error"]
            kind = (
                "no answer" if "no answer" in error else (re.search(r"status \d+|friendly page", error) or [error])[0]
            )
            kinds[kind] = kinds.get(kind, 0) + int(row["Occurrences"])
    result["failures by kind"] = kinds
    seconds_file = folder / "error-seconds.json"
    seconds = json.loads(seconds_file.read_text()) if seconds_file.exists() else []
    result["seconds with an error page"] = len(seconds)
    if seconds:
        result["error window (s)"] = seconds[-1] - seconds[0] + 1
    outage = folder / "outage.json"
    if outage.exists():
        result["friendly 503s retried"] = sum(json.loads(outage.read_text()).values())
    match = re.search(r"stored whole \([^)]*\): (\d+) of (\d+)", verify_output)
    if match:
        result["acknowledged"], result["stored whole"] = int(match[2]), int(match[1])
    return result


def summary(records: list[dict], worker_class: str) -> str:
    lines = [
        f"App servers: 3 x gunicorn ({WORKERS[worker_class][0]}) behind haproxy; PostgreSQL 15 primary + sync standby.",
        "",
        "| scenario | requests | failed (by kind) | seconds with an error page | friendly 503s retried "
        "| acknowledged | stored whole | max ms |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in records:
        kinds = ", ".join(f"{k}: {v}" for k, v in r.get("failures by kind", {}).items()) or "-"
        lines.append(
            f"| {r['scenario']} | {r.get('requests', '?')} | {r.get('failed requests', '?')} ({kinds}) "
            f"| {r.get('seconds with an error page', '?')} | {r.get('friendly 503s retried', 0)} "
            f"| {r.get('acknowledged', '?')} | {r.get('stored whole', '?')} | {r.get('max ms', '?')} |"
        )
    lines.append("")
    for r in records:
        extras = {
            k: v
            for k, v in r.items()
            if k.startswith(("probe", "slow", "slots", "refused", "failed health", "fault error", "rolling", "locust"))
        }
        if "primary killed" in r:
            extras["promoted after the kill (s)"] = round(r["standby promoted"] - r["primary killed"], 1)
        if "fault started" in r:
            extras["fault lasted (s)"] = round(r["fault ended"] - r["fault started"], 1)
        problems = [line for line in r.get("verify", []) if line.startswith(("Problems", "  - "))]
        lines.append(f"- **{r['scenario']}** ({r['what']}): {json.dumps(extras, default=str)}; {' '.join(problems)}")
    return "\n".join(lines) + "\n"


def missed(record: dict) -> list[str]:
    """The targets: no failed request, only the friendly 503 while the database is out, nothing acknowledged lost."""
    found = []
    if record.get("failed requests", 1):
        found.append(f"{record['scenario']}: {record.get('failed requests')} failed requests")
    if record.get("acknowledged") != record.get("stored whole"):
        found.append(f"{record['scenario']}: {record.get('stored whole')} of {record.get('acknowledged')} stored whole")
    if record.get("verify exit code"):
        found.append(f"{record['scenario']}: verify.py found problems")
    if record.get("fault error"):
        found.append(f"{record['scenario']}: the fault itself failed: {record['fault error']}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", default=",".join(s.name for s in SCENARIOS))
    parser.add_argument("--worker-class", choices=WORKERS, default="gthread")
    parser.add_argument("--users", type=int, default=24)
    parser.add_argument("--duration", type=int, default=45)
    parser.add_argument("--fault-after", type=int, default=20)
    parser.add_argument("--budget", type=int, default=840, help="seconds before the whole run stops itself")
    args = parser.parse_args()
    wanted = args.scenarios.split(",")
    unknown = set(wanted) - {s.name for s in SCENARIOS}
    if unknown:
        parser.error(f"unknown scenarios: {sorted(unknown)}")

    out = ROOT / "loadtest" / "results" / f"cluster-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
    out.mkdir(parents=True)
    py = os.environ.get("PY") or sys.executable
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}}
    env.update(
        PY=str(Path(py).absolute()),
        RUN_DIR=str(out),
        DATABASE_URL="postgres://app@127.0.0.1/loadtest?target_session_attrs=read-write&connect_timeout=2",
        DATABASE_HOSTS="127.0.0.1,127.0.0.1",
        DATABASE_PORTS=f"{PRIMARY_PORT},{STANDBY_PORT}",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        PRIVATE_WORDS_KEYS=os.environ.get("PRIVATE_WORDS_KEYS") or Fernet.generate_key().decode(),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(out / "static"),
        DJANGO_SETTINGS_MODULE="resilience_site.settings",
    )
    cluster = Cluster(out, env, PrivatePostgres(), args.users, args.duration, args.fault_after)

    def out_of_time(*_):
        raise TimeoutError(f"the run took longer than its budget of {args.budget} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(args.budget)
    records: list[dict] = []
    front_end: dict = {}
    try:
        cluster.start(args.worker_class)
        front_end = cluster.front_end_checks()
        log(f"front end: {front_end}")
        for sc in SCENARIOS:
            if sc.name in wanted:
                log(f"scenario {sc.name}: {sc.what}")
                records.append(cluster.scenario(sc))
                r = records[-1]
                log(
                    f"{sc.name}: {r.get('requests')} requests, {r.get('failed requests')} failed "
                    f"{r.get('failures by kind')}, {r.get('seconds with an error page')} s with an error page, "
                    f"{r.get('stored whole')} of {r.get('acknowledged')} acknowledged stored whole"
                )
    finally:
        signal.alarm(0)
        log("stopping everything")
        cluster.stop()
    report = summary(records, args.worker_class)
    report += f"\nAt the front end: {json.dumps(front_end)}\n"
    problems = [p for r in records for p in missed(r)]
    problems += [f"front end let through a {kind}" for kind, line in front_end.items() if " 413 " not in line]
    report += "\nTargets missed:\n" + ("\n".join(f"- {p}" for p in problems) if problems else "- none") + "\n"
    (out / "summary.md").write_text(report)
    print(report)
    print(f"results: {out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
