"""make loadtest-cluster: three app servers behind haproxy (deploy/haproxy.cfg) on a private PostgreSQL run by
pg_auto_failover (a monitor, a primary and a synchronous standby), then one short scenario after another, each with
one fault, each checked afterwards. Nobody promotes anything: when the primary is lost, the monitor does.

Loopback only, bounded in time (every step has a timeout, and the whole run stops itself after --budget seconds),
and it cleans up after itself: it never touches the machine's own PostgreSQL cluster. Results go to
loadtest/results/cluster-<time>/, one folder per scenario, and a summary.md with the figures.

    .venv/bin/python loadtest/cluster.py                       # every scenario (about 15 minutes)
    .venv/bin/python loadtest/cluster.py --quick               # the primary killed, shorter (about 4 minutes)
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
MONITOR_PORT = 55430
PROMETHEUS_PORT = 9490
NODES = {"node1": 55432, "node2": 55433}  # the data nodes: either may be the primary
# The monitor's timings, tightened from pg_auto_failover's defaults: the reference deployment's own file.
MONITOR_SETTINGS = ROOT / "deploy" / "pg-auto-failover-monitor.sql"
FAST_FAILOVER = dict(
    re.findall(r"^ALTER SYSTEM SET pgautofailover\.(\w+) = (\d+);", MONITOR_SETTINGS.read_text(), re.M)
)
# Seconds a primary that reaches neither the monitor nor its standby keeps taking writes (each keeper's
# timeout.network_partition_timeout; pg_auto_failover's default is 20): less than primary_demote_timeout.
NETWORK_PARTITION = 3
PAUSE = 20  # seconds a paused node stays stopped
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


class CommandFailed(subprocess.CalledProcessError):
    """A command that failed, saying what it printed (CalledProcessError alone says only its exit status)."""

    def __str__(self) -> str:
        return f"{super().__str__()}\n{((self.stdout or '') + (self.stderr or '')).strip()[-2000:]}"


def run(cmd, *, timeout: float = 120, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, timeout=timeout, check=False, text=True, capture_output=True, **kwargs)
    if check and result.returncode:
        raise CommandFailed(result.returncode, cmd, result.stdout, result.stderr)
    return result


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


class AutoFailoverPostgres:
    """PostgreSQL under pg_auto_failover (Debian's postgresql-15-auto-failover): a monitor and two data nodes, each
    run by its own `pg_autoctl run` keeper, in a temporary folder, on loopback ports, as the postgres user.

    pg_auto_failover sets up the synchronous standby itself (synchronous_standby_names 'ANY 1 (...)' while the
    standby is healthy, '' once the monitor finds it is not), and promotes the standby when the primary is lost:
    nothing here promotes anything. Its timings are the monitor's settings in FAST_FAILOVER and the keepers'
    network_partition_timeout; docs/deploy.md ("Database failover") explains each.
    """

    def __init__(self, logs: Path) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="resilience-paf-"))
        self.logs = logs
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root: as root, run it as the postgres user (its superuser is then
            # "postgres"); anyone else runs it as themselves, and is its superuser.
            postgres = pwd.getpwnam("postgres")
            os.chown(self.base, postgres.pw_uid, postgres.pw_gid)
            self.as_user: dict = {"user": "postgres", "group": "postgres", "extra_groups": []}
            self.superuser = "postgres"
        else:
            self.as_user = {}
            self.superuser = pwd.getpwuid(os.geteuid()).pw_name
        self.env = {
            "PATH": f"{PGBIN}:/usr/bin:/bin",
            "HOME": str(self.base),
            "XDG_CONFIG_HOME": str(self.base / "config"),
            "XDG_DATA_HOME": str(self.base / "data"),
            "XDG_RUNTIME_DIR": str(self.base / "run"),
            "LANG": "C.UTF-8",
        }
        self.keepers: dict[str, subprocess.Popen] = {}

    def pgdata(self, name: str) -> Path:
        return self.base / name

    def autoctl(self, *args, timeout: float = 120) -> str:
        result = subprocess.run(
            ["pg_autoctl", *[str(a) for a in args]], env=self.env, **self.as_user, cwd=self.base,
            timeout=timeout, text=True, capture_output=True,
        )  # fmt: skip
        if result.returncode:
            raise RuntimeError(f"pg_autoctl {args[0]} {args[1]} failed: {result.stderr[-2000:]}")
        return result.stdout

    def keeper(self, name: str) -> None:
        """`pg_autoctl run` for one node, in its own process group (a fault can stop or kill the whole node)."""
        self.keepers[name] = subprocess.Popen(
            ["pg_autoctl", "run", "--pgdata", str(self.pgdata(name))], env=self.env, **self.as_user,
            cwd=self.base, start_new_session=True, stdin=subprocess.DEVNULL,
            stdout=open(self.logs / f"pg-{name}.log", "a"), stderr=subprocess.STDOUT,
        )  # fmt: skip

    def signal(self, name: str, sig: int) -> None:
        try:
            os.killpg(self.keepers[name].pid, sig)
        except ProcessLookupError:
            pass

    def psql(self, sql: str, port: int = MONITOR_PORT, dbname: str = "postgres", timeout: float = 10) -> str:
        cmd = [PGBIN / "psql", "-h", "127.0.0.1", "-p", port, "-U", self.superuser, "-d", dbname, "-tAc", sql]
        env = {**os.environ, "PGCONNECT_TIMEOUT": "2"}
        return run([str(c) for c in cmd], timeout=timeout, env=env).stdout.strip()

    def psql_when_up(self, sql: str, port: int, dbname: str = "postgres", timeout: float = 60) -> str:
        """psql, tried again while that PostgreSQL is still starting."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.psql(sql, port=port, dbname=dbname)
            except subprocess.CalledProcessError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def states(self) -> dict[str, tuple[str, str]]:
        """{node: (reported state, assigned state)}, as the monitor sees them ({} while it is down)."""
        try:
            rows = self.psql(
                "SELECT nodename, reportedstate, goalstate FROM pgautofailover.node ORDER BY nodeid",
                dbname="pg_auto_failover",
                timeout=5,
            )
        except (subprocess.SubprocessError, OSError):
            return {}
        return {name: (reported, goal) for name, reported, goal in (row.split("|") for row in rows.splitlines())}

    def primary(self) -> str | None:
        for name, (reported, goal) in self.states().items():
            if reported == goal and reported in ("single", "wait_primary", "primary"):
                return name
        return None

    def wait_for(self, predicate, timeout: float, what: str) -> float:
        """Poll the monitor every 0.25 s until predicate(states) holds; the seconds it took."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if predicate(self.states()):
                return time.monotonic() - start
            time.sleep(0.25)
        raise RuntimeError(f"{what}: not within {timeout:.0f} s; the monitor says {self.states()}")

    def wait_healthy(self, timeout: float = 120) -> None:
        """A primary with its synchronous secondary. A standby being built waits for a checkpoint on the primary
        (pg_basebackup's default is a spread one, minutes on a quiet database), so ask for one every few seconds."""
        for name, proc in self.keepers.items():
            if proc.poll() is not None:
                self.keeper(name)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            states = {n: s for n, s in self.states().items()}
            if sorted(s for s, goal in states.values() if s == goal) == ["primary", "secondary"]:
                return
            primary = self.primary()
            if primary:
                try:
                    self.psql("CHECKPOINT", port=NODES[primary])
                except subprocess.SubprocessError:
                    pass
            time.sleep(2)
        raise RuntimeError(f"no healthy primary and secondary within {timeout} s: {self.states()}")

    def start(self) -> None:
        if int(FAST_FAILOVER["primary_demote_timeout"]) <= NETWORK_PARTITION * 1000:
            raise RuntimeError("primary_demote_timeout must be longer than the keepers' network_partition_timeout")
        common = ["--hostname", "127.0.0.1", "--listen", "127.0.0.1", "--auth", "trust", "--no-ssl"]
        monitor = self.pgdata("monitor")
        self.autoctl("create", "monitor", "--pgdata", monitor, "--pgport", MONITOR_PORT, *common)
        self.keeper("monitor")
        self.psql_when_up("SELECT 1", port=MONITOR_PORT, dbname="pg_auto_failover")
        cmd = [PGBIN / "psql", "-h", "127.0.0.1", "-p", MONITOR_PORT, "-U", self.superuser, "-d", "pg_auto_failover"]
        run([str(c) for c in [*cmd, "-v", "ON_ERROR_STOP=1", "-f", MONITOR_SETTINGS]])
        uri = f"postgres://autoctl_node@127.0.0.1:{MONITOR_PORT}/pg_auto_failover?sslmode=disable"
        for name, port in NODES.items():
            pgdata = self.pgdata(name)
            self.autoctl(
                "create", "postgres", "--pgdata", pgdata, "--pgport", port, "--name", name, "--dbname", "loadtest",
                "--monitor", uri, *common, timeout=180,
            )  # fmt: skip
            # The primary looks for the standby's host and the standby for the monitor and primary: after
            # NETWORK_PARTITION_TIMEOUT seconds of neither, a primary stops taking writes by itself.
            self.autoctl("config", "set", "--pgdata", pgdata, "timeout.network_partition_timeout", NETWORK_PARTITION)
            if name == "node1":
                # Small, so that the connection-slots scenario can take every free slot; the standby copies it.
                with open(pgdata / "postgresql.conf", "a") as conf:
                    conf.write("max_connections = 40\nshared_buffers = 32MB\n")
            self.keeper(name)
            if name == "node1":
                self.wait_for(lambda s: s.get("node1") == ("single", "single"), 90, "node1 as a single primary")
                # A role that is not a superuser: the reserved superuser slots must not hide an exhausted database.
                port = NODES["node1"]
                self.psql_when_up("CREATE ROLE app LOGIN", port=port)
                self.psql("CREATE ROLE hog LOGIN", port=port)
                self.psql("ALTER DATABASE loadtest OWNER TO app", port=port)
        self.wait_healthy(timeout=180)
        # What an app could be given instead of DATABASE_HOSTS/DATABASE_PORTS: both nodes, and read-write.
        self.formation_uri = self.autoctl("show", "uri", "--pgdata", monitor, "--formation", "default").strip()

    def stop(self) -> None:
        for name in self.keepers:
            self.signal(name, signal.SIGCONT)
            self.signal(name, signal.SIGTERM)  # the keeper stops its PostgreSQL (fast) and then itself
        for proc in self.keepers.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        for name in self.keepers:
            self.signal(name, signal.SIGKILL)
        shutil.rmtree(self.base, ignore_errors=True)


class PrivatePrometheus:
    """Debian's Prometheus on loopback, scraping the three app servers' /metrics every 2 s with the bearer token,
    its data in the run's folder and kept for an hour at most; asked afterwards what it saw in each scenario."""

    def __init__(self, out: Path, token: str) -> None:
        self.folder = out / "prometheus"
        self.folder.mkdir()
        config = {
            "global": {"scrape_interval": "2s", "scrape_timeout": "1s", "evaluation_interval": "2s"},
            "scrape_configs": [
                {
                    "job_name": "checkin",
                    "authorization": {"type": "Bearer", "credentials": token},
                    "static_configs": [{"targets": [f"127.0.0.1:{port}" for port in APPS.values()]}],
                }
            ],
        }
        # JSON is YAML: no YAML writer needed.
        (self.folder / "prometheus.yml").write_text(json.dumps(config, indent=2))
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "prometheus", f"--config.file={self.folder / 'prometheus.yml'}",
                f"--storage.tsdb.path={self.folder / 'data'}", "--storage.tsdb.retention.time=1h",
                f"--web.listen-address=127.0.0.1:{PROMETHEUS_PORT}",
            ],
            stdout=open(self.folder / "prometheus.log", "w"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while get(f"http://127.0.0.1:{PROMETHEUS_PORT}/-/ready")[0] != 200:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"Prometheus did not start: see {self.folder / 'prometheus.log'}")
            time.sleep(0.5)

    def query(self, promql: str, at: float) -> list[dict]:
        url = f"http://127.0.0.1:{PROMETHEUS_PORT}/api/v1/query?" + urllib.parse.urlencode(
            {"query": promql, "time": f"{at:.3f}"}
        )
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response)["data"]["result"]

    def figures(self, start: float, end: float) -> dict:
        """What the scrapes say about one scenario, from start to end (Unix times)."""
        window = f"{max(1, round(end - start))}s"
        result: dict = {}
        try:
            # increase() takes a series' first sample as its start, so a status first seen inside the window (the
            # 503s of a scenario that loses the primary, all between two scrapes) counts as 0. The difference of the
            # totals at the end and at the start (0 where the series did not exist yet) counts those; increase()
            # counts across a server's restart, where the totals start again from 0. Each status takes the larger.
            def totals(promql: str, at: float) -> dict[str, float]:
                return {r["metric"].get("status", "?"): float(r["value"][1]) for r in self.query(promql, at)}

            increased = totals(f"sum by (status) (increase(checkin_http_requests_total[{window}]))", end)
            at_end = totals("sum by (status) (checkin_http_requests_total)", end)
            at_start = totals("sum by (status) (checkin_http_requests_total)", start)
            result["requests by status"] = {
                status: round(max(increased.get(status, 0.0), at_end.get(status, 0.0) - at_start.get(status, 0.0)))
                for status in increased.keys() | at_end.keys()
            }
            p95 = self.query(
                f"histogram_quantile(0.95, sum by (le) (rate(checkin_http_request_duration_seconds_bucket[{window}])))",
                end,
            )
            if p95 and p95[0]["value"][1] not in ("NaN", "+Inf"):
                result["p95 ms"] = round(1000 * float(p95[0]["value"][1]))
            scrapes = self.query(f"count_over_time(up[{window}])", end)
            ups = {
                r["metric"]["instance"]: float(r["value"][1]) for r in self.query(f"sum_over_time(up[{window}])", end)
            }
            result["scrapes answered"] = {
                r["metric"]["instance"].rsplit(":", 1)[1]: f"{round(ups.get(r['metric']['instance'], 0))} of "
                f"{round(float(r['value'][1]))}"
                for r in scrapes
            }
        except (OSError, KeyError, ValueError) as exc:
            result["error"] = repr(exc)
        return result

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


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
    Scenario("db-exhausted", "every free connection slot on the primary taken for 15 s", True, "db-exhaust"),
    Scenario(
        "primary-killed",
        "the primary's node killed (SIGKILL to its PostgreSQL and its pg_autoctl keeper), as if its host died; "
        "its keeper started again once the standby is promoted, to rejoin as the new standby",
        True,
        "primary-killed",
    ),
    Scenario(
        "primary-paused",
        f"the primary's host paused: its PostgreSQL and keeper stopped (SIGSTOP) for {PAUSE} s, then SIGCONT",
        True,
        "primary-paused",
    ),
    Scenario(
        "monitor-down",
        "the monitor killed (SIGKILL, keeper and PostgreSQL), started again 20 s later",
        False,
        "monitor",
    ),
    Scenario(
        "standby-stalled",
        f"the standby's host stopped (SIGSTOP to its PostgreSQL and keeper) for {PAUSE} s, like a network "
        "partition: synchronous commits on the primary wait for it until the monitor drops it",
        False,
        "standby-stalled",
    ),
]
DATABASE_FAULTS = {"primary-killed", "primary-paused", "monitor-down", "standby-stalled"}


@dataclass
class Cluster:
    out: Path
    env: dict
    pg: AutoFailoverPostgres
    users: int
    duration: int
    fault_after: int
    prometheus: PrivatePrometheus
    haproxy: subprocess.Popen | None = None
    running: list = field(default_factory=list)

    @property
    def socket(self) -> str:
        # A Unix socket's path must be short (108 bytes): not in the results folder, which may be deep.
        return str(self.pg.base / "haproxy.sock")

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
        log("private PostgreSQL under pg_auto_failover: monitor, primary, synchronous standby")
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
        log(f"Prometheus on 127.0.0.1:{PROMETHEUS_PORT}, scraping the three servers' /metrics")
        self.prometheus.start()

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
        self.prometheus.stop()
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
        elif kind == "db-exhaust":
            import psycopg2

            port = NODES[self.pg.primary() or "node1"]
            hogs = []
            while True:
                try:
                    hogs.append(psycopg2.connect(host="127.0.0.1", port=port, user="hog", dbname="postgres"))
                except psycopg2.OperationalError as exc:
                    record["slots taken"] = len(hogs)
                    record["refused with"] = str(exc).strip().splitlines()[0]
                    break
            time.sleep(15)
            for conn in hogs:
                conn.close()
        elif kind in ("primary-killed", "primary-paused"):
            self.lose_primary(kind, record)
        elif kind == "monitor":
            self.pg.signal("monitor", signal.SIGKILL)
            record["monitor killed"] = time.time()
            time.sleep(20)
            self.pg.keeper("monitor")
            record["monitor back after (s)"] = round(
                self.pg.wait_for(lambda s: len(s) == 2, 60, "the monitor answering") + 20, 1
            )
        elif kind == "standby-stalled":
            primary = self.pg.primary()
            standby = next(name for name in NODES if name != primary)
            port = NODES[primary]
            self.pg.signal(standby, signal.SIGSTOP)
            stopped = time.monotonic()
            record["standby stopped"] = f"{standby} (primary {primary})"
            # The monitor finds the standby gone and assigns the primary wait_primary: its keeper then sets
            # synchronous_standby_names to '' and the commits waiting for the standby complete.
            try:
                record["sync requirement dropped after (s)"] = round(
                    self.pg.wait_for(
                        lambda s: s.get(primary, ("", ""))[0] == "wait_primary", PAUSE, "the primary in wait_primary"
                    ),
                    1,
                )
                record["synchronous_standby_names then"] = self.pg.psql("SHOW synchronous_standby_names", port=port)
            except RuntimeError as exc:
                record["sync requirement dropped after (s)"] = f"not within {PAUSE} s: {exc}"
            time.sleep(max(0.0, PAUSE - (time.monotonic() - stopped)))
            self.pg.signal(standby, signal.SIGCONT)
            record["synchronous again after SIGCONT (s)"] = round(
                self.pg.wait_for(
                    lambda s: s.get(primary) == ("primary", "primary") and s.get(standby) == ("secondary", "secondary"),
                    90,
                    "the standby synchronous again",
                ),
                1,
            )

    def lose_primary(self, kind: str, record: dict) -> None:
        """Kill or pause the primary's whole node, and time what pg_auto_failover does about it, unaided."""
        old = self.pg.primary()
        if old is None:
            raise RuntimeError(f"no primary to lose: {self.pg.states()}")
        new = next(name for name in NODES if name != old)
        record["primary lost"] = f"{old} (standby {new})"
        sig = signal.SIGKILL if kind == "primary-killed" else signal.SIGSTOP
        self.pg.signal(old, sig)
        lost = time.monotonic()
        record["primary lost at"] = time.time()
        promoted = self.pg.wait_for(
            lambda s: s.get(new, ("", ""))[0] in ("wait_primary", "primary"), 60, f"{new} promoted"
        )
        record["promoted after (s)"] = round(promoted, 1)
        if kind == "primary-paused":
            time.sleep(max(0.0, PAUSE - (time.monotonic() - lost)))
            self.pg.signal(old, signal.SIGCONT)
            record["resumed after (s)"] = round(time.monotonic() - lost, 1)
        else:
            self.pg.keepers[old].wait(timeout=10)
            self.pg.keeper(old)  # the host is back: its keeper rejoins it, as the new standby
            record["keeper restarted after (s)"] = round(time.monotonic() - lost, 1)
        self.pg.wait_for(
            lambda s: s.get(old) == ("secondary", "secondary") and s.get(new) == ("primary", "primary"),
            120,
            f"{old} back as the synchronous standby",
        )
        record["old primary a synchronous standby again after (s)"] = round(time.monotonic() - lost, 1)

    # --- one scenario ----------------------------------------------------------------------------------------

    def scenario(self, sc: Scenario) -> dict:
        folder = self.out / sc.name
        folder.mkdir()
        self.django(
            "from assessments.models import CheckIn\n"
            "CheckIn.objects.filter(status='draft', user__username__startswith='load-pwp-').delete()"
        )
        self.pg.wait_healthy()
        record: dict = {"scenario": sc.name, "what": sc.what, "primary at the start": self.pg.primary()}
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
        load_started = time.time()
        locust = subprocess.Popen(
            [
                str(bin_dir / "locust"), "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
                "-u", str(self.users), "-r", "12", "-t", f"{self.duration}s", "--host", f"http://127.0.0.1:{FRONT}",
                "--only-summary", "--csv", str(folder / "locust"), "--stop-timeout", "10",
            ],
            env=env, cwd=ROOT, stdout=open(folder / "locust.log", "w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.running.append(locust)
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
        load_ended = time.time()
        time.sleep(3)  # one more scrape after the last request
        record["scraped"] = self.prometheus.figures(load_started, load_ended)
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
        if verify.returncode and verify.stderr.strip():
            record["verify errors"] = verify.stderr.strip().splitlines()[-5:]
        record["failed health checks"] = {
            f"{r['pxname']}/{r['svname']}": int(r["chkfail"] or 0) - checks_before[(r["pxname"], r["svname"])]
            for r in self.stats()
        }
        record.update(figures(folder, verify.stdout))
        seconds_file = folder / "error-seconds.json"
        seconds = json.loads(seconds_file.read_text()) if seconds_file.exists() else []
        if seconds and "fault started" in record:
            # From the fault to the end of the last second in which anyone was shown an error page.
            record["error pages until, after the fault (s)"] = seconds[-1] + 1 - int(record["fault started"])
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


NOT_EXTRAS = {
    "scenario", "what", "verify", "verify exit code", "requests", "failed requests", "failures by kind",
    "seconds with an error page", "friendly 503s retried", "acknowledged", "stored whole", "max ms",
    "fault started", "fault ended", "primary lost at", "monitor killed", "scraped",
}  # fmt: skip


def summary(records: list[dict], worker_class: str) -> str:
    lines = [
        f"App servers: 3 x gunicorn ({WORKERS[worker_class][0]}) behind haproxy; PostgreSQL 15 under "
        f"pg_auto_failover (a monitor, a primary and a synchronous standby; monitor settings {FAST_FAILOVER}, "
        f"network_partition_timeout {NETWORK_PARTITION} s).",
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
    lines += [
        "",
        "What Prometheus scraped from the three servers' /metrics (every 2 s) over each scenario's load: the app's own",
        "count of the requests it answered, by status, the 95th percentile of its time per request, and the scrapes",
        "each server answered (a server killed or stopped misses some).",
        "",
        "| scenario | answered by status | p95 ms (app) | scrapes answered (app1, app2, app3) |",
        "| --- | --- | ---: | --- |",
    ]
    for r in records:
        scraped = r.get("scraped", {})
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(scraped.get("requests by status", {}).items()))
        answered = ", ".join(v for _, v in sorted(scraped.get("scrapes answered", {}).items()))
        lines.append(
            f"| {r['scenario']} | {statuses or scraped.get('error', '-')} | {scraped.get('p95 ms', '-')} "
            f"| {answered or '-'} |"
        )
    lines.append("")
    for r in records:
        extras = {k: v for k, v in r.items() if k not in NOT_EXTRAS}
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
    if not record.get("acknowledged"):
        found.append(f"{record['scenario']}: no check-in acknowledged: the simulated practitioners never finished one")
    if record.get("acknowledged") != record.get("stored whole"):
        found.append(f"{record['scenario']}: {record.get('stored whole')} of {record.get('acknowledged')} stored whole")
    if record.get("verify exit code"):
        found.append(f"{record['scenario']}: verify.py found problems")
    window = record.get("error pages until, after the fault (s)", 0)
    if record["scenario"] == "primary-killed" and window > 15:
        found.append(f"{record['scenario']}: error pages until {window} s after the primary died (target 15)")
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
    parser.add_argument("--budget", type=int, default=1500, help="seconds before the whole run stops itself")
    parser.add_argument(
        "--results", type=Path, default=ROOT / "loadtest" / "results", help="where the run's folder goes"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one short failover only (primary-killed, 12 users for 35 s, the fault 10 s in): about 2 minutes",
    )
    args = parser.parse_args()
    if args.quick:
        args.scenarios, args.users, args.duration, args.fault_after = "primary-killed", 12, 35, 10
        args.budget = min(args.budget, 420)
    wanted = args.scenarios.split(",")
    unknown = set(wanted) - {s.name for s in SCENARIOS}
    if unknown:
        parser.error(f"unknown scenarios: {sorted(unknown)}")

    out = args.results / f"cluster-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
    out.mkdir(parents=True)
    py = os.environ.get("PY") or sys.executable
    token = secrets.token_urlsafe(32)
    (out / "metrics-setup").mkdir()  # for the migrations and seeding; each server has its own (loadtest/app-server)
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}}
    env.update(
        PY=str(Path(py).absolute()),
        RUN_DIR=str(out),
        DATABASE_URL="postgres://app@127.0.0.1/loadtest?target_session_attrs=read-write&connect_timeout=2",
        DATABASE_HOSTS="127.0.0.1,127.0.0.1",
        DATABASE_PORTS=",".join(str(port) for port in NODES.values()),
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        PRIVATE_WORDS_KEYS=os.environ.get("PRIVATE_WORDS_KEYS") or Fernet.generate_key().decode(),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(out / "static"),
        DJANGO_SETTINGS_MODULE="resilience_site.settings",
        METRICS_ENABLED="true",
        METRICS_TOKEN=token,
        PROMETHEUS_MULTIPROC_DIR=str(out / "metrics-setup"),
    )
    cluster = Cluster(
        out, env, AutoFailoverPostgres(out), args.users, args.duration, args.fault_after, PrivatePrometheus(out, token)
    )

    def out_of_time(*_):
        raise TimeoutError(f"the run took longer than its budget of {args.budget} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(args.budget)
    records: list[dict] = []
    front_end: dict = {}
    try:
        cluster.start(args.worker_class)
        log(f"the formation's URI (pg_autoctl show uri): {cluster.pg.formation_uri}")
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
    report += f"\nThe formation's URI (pg_autoctl show uri): {getattr(cluster.pg, 'formation_uri', '?')}\n"
    problems = [p for r in records for p in missed(r)]
    problems += [f"front end let through a {kind}" for kind, line in front_end.items() if " 413 " not in line]
    report += "\nTargets missed:\n" + ("\n".join(f"- {p}" for p in problems) if problems else "- none") + "\n"
    (out / "summary.md").write_text(report)
    print(report)
    print(f"results: {out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
