"""make restore-drill: back the app's database up as production should, restore it to a point in time, and prove it.

1. A private PostgreSQL primary archives its WAL continuously with pgBackRest (Debian's package) into a repository
   encrypted with its own passphrase; `archive_timeout` forces a WAL switch at least every ARCHIVE_TIMEOUT seconds,
   which bounds how much an idle-ish database can lose.
2. The app is migrated on it, with keys made as docs/deploy.md says and kept in a folder of their own (the key store,
   apart from the database and its backups). Some check-ins are sent through gunicorn, a full base backup is taken,
   the key is rotated (a new key first, the app restarted), more check-ins are sent, a recovery target T is noted,
   and more check-ins are sent after T. Every acknowledged
   check-in is recorded with the answers and private words that were sent, when it was acknowledged, and when the WAL
   holding it reached the archive.
3. The primary is killed and its folder deleted. The clock of the restore (RTO) starts: pgBackRest restores the base
   backup and replays archived WAL up to T into a scratch cluster, which is promoted; gunicorn starts on it with the
   keys from the key store; the clock stops when /healthz answers 200.
4. The restored data is checked through the app's own code: `manage.py check --database default` opens sealed words
   with both keys (and fails, as it must, with the newest key alone); every check-in acknowledged before T is
   there, sent, with its answers, its 7 scores and its private words exactly as sent; none from after T is there; and
   one person signs in on the restored app and reads their own words on their check-in's page.

Prints RPO (the longest an acknowledged write waited before its WAL was in the archive: what a primary lost with
its disks, and its standby, at that moment would have taken with it; beside it the archive command's own lag) and
RTO. Exits 1 if anything is missing or unreadable. Loopback only,
bounded in time (--budget), and it cleans up: it never touches the machine's own PostgreSQL cluster. Run as root, it
runs PostgreSQL and pgBackRest as the postgres user; run as anyone else, as that user.

    .venv/bin/python loadtest/restore_drill.py                      # 3 + 8 + 4 check-ins (2 to 3.5 minutes here)
    .venv/bin/python loadtest/restore_drill.py --before-backup 1 --before-target 3 --after-target 2
"""

from __future__ import annotations

import argparse
import base64
import http.cookiejar
import json
import os
import random
import re
import secrets
import shlex
import shutil
import signal
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

ROOT = Path(__file__).resolve().parent.parent
# Debian's newest installed PostgreSQL (the postgresql package: 15 on Debian 12).
PGBIN = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), default=Path("/nonexistent"))
PRIMARY_PORT, SCRATCH_PORT = 55532, 55533
PRIMARY_APP_PORT, RESTORED_APP_PORT = 55534, 55535
ARCHIVE_TIMEOUT = 5  # seconds: PostgreSQL switches to a new WAL segment, and so archives, at least this often
STANZA = "checkin"
PASSWORD = "load-test-password-2026"  # loadtest/seed_users.py's
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
QUESTION = re.compile(r'name="(q_\d+)"')
STEP_URL = re.compile(r"/checkins/(\d+)/([a-z][a-z_-]*)/$")


def log(message: str) -> None:
    print(f"== {time.strftime('%H:%M:%S', time.gmtime())} {message}", flush=True)


def run(cmd, *, timeout: float = 120, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], timeout=timeout, check=check, text=True, capture_output=True, **kwargs)


def as_postgres(*cmd, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
    """initdb, pg_ctl and pgBackRest refuse to run as root (or should not): as root, run them as the postgres user;
    as anyone else, as that user (the clusters and the repository are then theirs)."""
    if os.geteuid() != 0:
        return run(cmd, timeout=timeout, check=check)
    line = shlex.join(str(c) for c in cmd)
    return run(["su", "postgres", "-s", "/bin/sh", "-c", line], timeout=timeout, check=check)


def give_to_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def psql(sql: str, port: int) -> str:
    return run([PGBIN / "psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "postgres", "-tAc", sql]).stdout


class Folders:
    """What would be three places in production, kept apart here too: the database host's data, the backup
    repository (off that host, encrypted), and the key store (neither of the other two)."""

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="resilience-restore-"))
        give_to_postgres(self.base)
        self.primary, self.scratch = self.base / "primary", self.base / "scratch"
        self.repo = self.base / "backup-repository"
        self.keys = self.base / "key-store"  # ours, mode 700: run as root, the postgres user cannot read it
        self.keys.mkdir(mode=0o700)
        self.static = self.base / "static"
        self.pgbackrest_conf = self.base / "pgbackrest.conf"

    def write_pgbackrest_conf(self, repo_passphrase: str) -> None:
        # In production the repository passphrase is a secret like the app's keys (kept in the key store) and the
        # repository is on another machine or a bucket (repo1-type=s3, azure, gcs; or repo1-host over TLS).
        self.pgbackrest_conf.write_text(
            "[global]\n"
            f"repo1-path={self.repo}\nrepo1-cipher-type=aes-256-cbc\nrepo1-cipher-pass={repo_passphrase}\n"
            "repo1-retention-full=2\ncompress-type=lz4\nstart-fast=y\n"
            f"lock-path={self.base / 'pgbackrest-lock'}\nlog-path={self.base}\nlog-level-console=warn\n"
            "log-level-file=off\n\n"
            f"[{STANZA}]\npg1-path={self.primary}\npg1-port={PRIMARY_PORT}\npg1-socket-path={self.base}\n"
            "pg1-user=postgres\n"
        )
        give_to_postgres(self.pgbackrest_conf)
        self.pgbackrest_conf.chmod(0o600)

    def pgbackrest(self, *args: str, timeout: float = 120) -> str:
        return as_postgres("pgbackrest", f"--config={self.pgbackrest_conf}", f"--stanza={STANZA}", *args,
                           timeout=timeout).stdout  # fmt: skip


@dataclass
class Ack:
    """A check-in the app said it had sent, with what was sent."""

    username: str
    checkin: int
    answers: dict[str, int]
    reflections: dict[str, str]
    values: str
    acknowledged_at: float
    wal_file: str = ""  # the WAL segment being written when the answer came: the commit is in it or an earlier one
    archived_at: float | None = None


@dataclass
class Archiver:
    """Watches pg_stat_archiver on the primary: when each WAL segment was first seen archived."""

    port: int
    seen: list[tuple[str, float]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def watch(self) -> None:
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            while not self.stop.is_set():
                cur.execute("SELECT pg_stat_clear_snapshot()")
                cur.execute("SELECT last_archived_wal FROM pg_stat_archiver")
                wal = cur.fetchone()[0]
                if wal and (not self.seen or self.seen[-1][0] != wal):
                    self.seen.append((wal, time.time()))
                self.stop.wait(0.1)
        conn.close()

    def archived_at(self, wal_file: str) -> float | None:
        """When the archive first held this segment (names on one timeline sort in WAL order)."""
        return next((at for wal, at in self.seen if wal >= wal_file), None)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: a cookie jar, and the pages' own forms and links followed as a person would."""

    def __init__(self, base: str) -> None:
        self.base = base
        jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.follow = urllib.request.build_opener(jar)
        self.stay = urllib.request.build_opener(jar, NoRedirect)

    def open(self, path: str, data: dict | None = None, *, redirect: bool = True) -> tuple[int, str, str]:
        """(status, final URL or Location, page)."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with (self.follow if redirect else self.stay).open(self.base + path, data=body, timeout=30) as response:
                return response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", ""), exc.read().decode(errors="replace")

    def sign_in(self, username: str) -> None:
        _, _, page = self.open("/accounts/login/")
        data = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": CSRF.search(page)[1]}
        status, _, _ = self.open("/accounts/login/", data, redirect=False)
        if status != 302:
            raise RuntimeError(f"{username} could not sign in: {status}")

    def send_checkin(self, username: str) -> Ack:
        """Start a check-in from the home page, answer every page it leads to, and send it from the review."""
        self.sign_in(username)
        _, _, home = self.open("/")
        status, url, page = self.open("/checkins/start/", {"csrfmiddlewaretoken": CSRF.search(home)[1]})
        answers: dict[str, int] = {}
        reflections: dict[str, str] = {}
        values = f"{username}'s values: people feel heard, café chats — {secrets.token_hex(4)}"
        while True:
            match = STEP_URL.search(url)
            if status != 200 or not match:
                raise RuntimeError(f"{username}: the check-in led to {status} {url}")
            pk, slug = match.groups()
            token = CSRF.search(page)[1]
            if slug == "review":
                break
            chosen = {name: random.randint(1, 5) for name in dict.fromkeys(QUESTION.findall(page))}
            reflections[slug] = f"{username} on {slug}: the waiting list — “{secrets.token_hex(6)}”"
            data = {**chosen, "reflection": reflections[slug], "csrfmiddlewaretoken": token, "continue": ""}
            if 'name="values"' in page:
                data["values"] = values
            answers.update({name[2:]: value for name, value in chosen.items()})
            status, url, page = self.open(f"/checkins/{pk}/{slug}/", data)
        status, location, _ = self.open(f"/checkins/{pk}/review/", {"csrfmiddlewaretoken": token}, redirect=False)
        if status != 302 or not location.endswith(f"/checkins/{pk}/sent/"):
            raise RuntimeError(f"{username}: check-in {pk} was not acknowledged ({status} {location})")
        return Ack(username, int(pk), answers, reflections, values, time.time())


class AppServer:
    """gunicorn on one port, in its own session so that it can be stopped whole."""

    def __init__(self, env: dict, port: int, logfile: Path) -> None:
        self.port = port
        gunicorn = Path(env["PY"]).parent / "gunicorn"
        self.process = subprocess.Popen(
            [str(gunicorn), "resilience_site.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--timeout", "30", "--no-control-socket", "--error-logfile", "-"],
            env=env, cwd=ROOT, stdout=open(logfile, "w"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn on {self.port} exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn on {self.port} did not answer /healthz with 200 in {timeout} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def start_cluster(data: Path, folders: Folders) -> None:
    as_postgres(PGBIN / "pg_ctl", "-D", data, "-l", folders.base / f"{data.name}.log", "-w", "start")


def stop_cluster(data: Path) -> None:
    if (data / "postmaster.pid").exists():
        as_postgres(PGBIN / "pg_ctl", "-D", data, "-m", "immediate", "stop", check=False)


def make_primary(folders: Folders) -> None:
    as_postgres(PGBIN / "initdb", "-D", folders.primary, "-A", "trust", "-U", "postgres")
    with open(folders.primary / "postgresql.conf", "a") as conf:
        archive = f"pgbackrest --config={folders.pgbackrest_conf} --stanza={STANZA} archive-push %p"
        conf.write(
            f"port = {PRIMARY_PORT}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{folders.base}'\n"
            "max_connections = 30\nshared_buffers = 32MB\n"
            f"wal_level = replica\narchive_mode = on\narchive_command = '{archive}'\n"
            f"archive_timeout = {ARCHIVE_TIMEOUT}\n"
        )
    start_cluster(folders.primary, folders)
    psql("CREATE ROLE app LOGIN", PRIMARY_PORT)
    psql("CREATE DATABASE checkin OWNER app", PRIMARY_PORT)
    folders.pgbackrest("stanza-create")


def app_env(folders: Folders, port: int, keys: str, secret_key: str) -> dict:
    py = os.environ.get("PY") or sys.executable
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}}
    env.update(
        PY=str(Path(py).absolute()),
        DATABASE_URL=f"postgres://app@127.0.0.1:{port}/checkin",
        DEBUG="false",
        SECRET_KEY=secret_key,
        PRIVATE_WORDS_KEYS=keys,
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="http://127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(folders.static),
        DJANGO_SETTINGS_MODULE="resilience_site.settings",
    )
    return env


def manage(env: dict, *args: str, timeout: float = 180, check: bool = True) -> subprocess.CompletedProcess:
    return run([env["PY"], "manage.py", *args], env=env, cwd=ROOT, timeout=timeout, check=check)


# Run with the restored database's environment: what the app itself reads back, words opened by their models.
READ_BACK = """
import json, django
django.setup()
from assessments.models import Answer, CheckIn, DimensionScore, PractitionerProfile, Reflection
names = json.loads(input())
found = {}
for checkin in CheckIn.objects.filter(user__username__in=names).select_related("user"):
    profile = PractitionerProfile.objects.filter(user=checkin.user).first()
    found[checkin.pk] = {
        "username": checkin.user.username,
        "sent": checkin.is_submitted and checkin.submitted_at is not None,
        "answers": {str(q): v for q, v in Answer.objects.filter(checkin=checkin).values_list("question_id", "value")},
        "reflections": {r.phase: r.text for r in Reflection.objects.filter(checkin=checkin)},
        "values": profile.values if profile else None,
        "scores": DimensionScore.objects.filter(checkin=checkin).count(),
    }
print(json.dumps(found))
"""


def read_back(env: dict, names: list[str]) -> dict[int, dict]:
    """These people's check-ins in the database `env` points at, as the app reads them (sealed words opened by their
    models with the keys in `env`), by id."""
    out = run([env["PY"], "-c", READ_BACK], env=env, cwd=ROOT, input=json.dumps(names) + "\n", timeout=120).stdout
    return {int(pk): row for pk, row in json.loads(out).items()}


def judge(found: dict[int, dict], before: list[Ack], after: list[Ack]) -> tuple[list[str], int, int]:
    """What is wrong with the restored check-ins; how many acknowledged before T came back whole; how many started
    after T came back (none should)."""
    problems: list[str] = []
    whole = 0
    for ack in before:
        wrong_before = len(problems)
        row = found.get(ack.checkin)
        if row is None or row["username"] != ack.username:
            problems.append(f"check-in {ack.checkin} ({ack.username}), acknowledged before T, is missing")
            continue
        if not row["sent"]:
            problems.append(f"check-in {ack.checkin} came back as a draft")
        if row["answers"] != ack.answers:
            problems.append(f"check-in {ack.checkin}: answers differ from those sent")
        if row["reflections"] != ack.reflections:
            problems.append(f"check-in {ack.checkin}: private reflections differ from those sent")
        if row["values"] != ack.values:
            problems.append(f"check-in {ack.checkin}: {ack.username}'s values differ from those sent")
        if row["scores"] != 7:
            problems.append(f"check-in {ack.checkin}: {row['scores']} dimension scores, not 7")
        whole += len(problems) == wrong_before
    after_names = {a.username for a in after}
    came_back = [pk for pk, row in found.items() if row["username"] in after_names]
    problems += [f"check-in {pk} ({found[pk]['username']}) was started after T, yet is restored" for pk in came_back]
    return problems, whole, len(came_back)


def summary_of(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    return f"median {statistics.median(ordered):.1f} s, max {ordered[-1]:.1f} s over {len(ordered)} check-ins"


def drill(args: argparse.Namespace, folders: Folders, servers: list[AppServer]) -> list[str]:
    # Keys as in production (docs/deploy.md, "Encryption keys"): the first seals what is written before the base
    # backup; a rotation after it puts a new key first, so the restore needs both, as a real one would.
    old_key, new_key = (base64.urlsafe_b64encode(os.urandom(32)).decode() for _ in range(2))
    key_file = folders.keys / "PRIVATE_WORDS_KEYS"
    key_file.write_text(old_key + "\n")
    key_file.chmod(0o600)
    secret_key = secrets.token_urlsafe(50)
    folders.write_pgbackrest_conf(secrets.token_urlsafe(32))

    log(f"private primary on {PRIMARY_PORT}, archiving WAL with pgBackRest (archive_timeout = {ARCHIVE_TIMEOUT} s)")
    env = app_env(folders, PRIMARY_PORT, old_key, secret_key)
    # Static files need no database: collected (and compressed, the slowest step) while the cluster is made.
    collectstatic = subprocess.Popen(
        [env["PY"], "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, stderr=subprocess.PIPE
    )
    try:
        make_primary(folders)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_questions")
        people = args.before_backup + args.before_target + args.after_target
        run([env["PY"], "loadtest/seed_users.py", "--practitioners", people, "--teams", 1], env=env, cwd=ROOT)
        if collectstatic.wait(timeout=300) != 0:
            raise RuntimeError(f"collectstatic failed: {collectstatic.stderr.read().decode()}")
    finally:
        if collectstatic.poll() is None:
            collectstatic.kill()
    names = iter(f"load-pwp-{n:04d}" for n in range(1, people + 1))
    archiver = Archiver(PRIMARY_PORT)
    watcher = threading.Thread(target=archiver.watch, daemon=True)
    watcher.start()
    primary_app = AppServer(env, PRIMARY_APP_PORT, folders.base / "primary-app.log")
    servers.append(primary_app)
    primary_app.wait_healthy()
    base = f"http://127.0.0.1:{PRIMARY_APP_PORT}"

    def send(count: int) -> list[Ack]:
        acks = []
        for _ in range(count):
            ack = Browser(base).send_checkin(next(names))
            ack.wal_file = psql("SELECT pg_walfile_name(pg_current_wal_lsn())", PRIMARY_PORT).strip()
            acks.append(ack)
        return acks

    log(f"{args.before_backup} check-ins, then a full base backup")
    before = send(args.before_backup)
    started = time.monotonic()
    folders.pgbackrest("backup", "--type=full", timeout=300)
    backup_seconds = time.monotonic() - started
    backup = json.loads(folders.pgbackrest("info", "--output=json"))[0]["backup"][-1]
    backup_mb = (backup["info"]["size"] / 1e6, backup["info"]["repository"]["size"] / 1e6)
    log("key rotation: a new key first in the key store, the app restarted with both")
    key_file.write_text(f"{new_key},{old_key}\n")
    primary_app.stop()
    env = app_env(folders, PRIMARY_PORT, key_file.read_text().strip(), secret_key)
    primary_app = AppServer(env, PRIMARY_APP_PORT, folders.base / "primary-app-rotated.log")
    servers.append(primary_app)
    primary_app.wait_healthy()
    log(f"{args.before_target} check-ins after the backup, then the recovery target T")
    before += send(args.before_target)
    time.sleep(0.5)
    target = psql("SELECT clock_timestamp()", PRIMARY_PORT).strip()
    target_at = time.time()
    time.sleep(0.5)
    log(f"T = {target}; {args.after_target} check-ins after T")
    after = send(args.after_target)

    # Everything sent must reach the archive: recovery needs a commit after T to know it has reached T.
    last_wal = after[-1].wal_file if after else before[-1].wal_file
    deadline = time.monotonic() + 4 * ARCHIVE_TIMEOUT
    while archiver.archived_at(last_wal) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    # The archive command's own lag: a WAL record, a forced switch, and how long until that segment is archived.
    switched_at = time.time()
    switched = psql(
        "SELECT pg_logical_emit_message(false, 'restore-drill', 'switch'); SELECT pg_walfile_name(pg_switch_wal())",
        PRIMARY_PORT,
    ).split()[-1]
    while archiver.archived_at(switched) is None and time.monotonic() < deadline + ARCHIVE_TIMEOUT:
        time.sleep(0.02)
    archive_lag = (archiver.archived_at(switched) or float("nan")) - switched_at
    archiver.stop.set()
    watcher.join(timeout=5)
    for ack in before + after:
        ack.archived_at = archiver.archived_at(ack.wal_file)
    unarchived = [a.checkin for a in before + after if a.archived_at is None]
    if unarchived:
        problem = f"check-ins {unarchived} never reached the archive within {4 * ARCHIVE_TIMEOUT} s"
        print(f"Problems: 1\n  - {problem}")
        return [problem]

    log("the primary dies: app stopped, PostgreSQL killed, its data folder deleted")
    primary_app.stop()
    stop_cluster(folders.primary)
    shutil.rmtree(folders.primary)

    log("restore to T into a scratch cluster (the RTO clock starts)")
    started = time.monotonic()
    folders.scratch.mkdir(mode=0o700)
    give_to_postgres(folders.scratch)
    folders.pgbackrest(f"--pg1-path={folders.scratch}", "restore", "--type=time", f"--target={target}",
                       "--target-action=promote", timeout=300)  # fmt: skip
    with open(folders.scratch / "postgresql.auto.conf", "a") as conf:
        # A restored copy must never push its WAL into the production archive: archiving off.
        conf.write(f"port = {SCRATCH_PORT}\narchive_mode = off\n")
    start_cluster(folders.scratch, folders)
    while psql("SELECT pg_is_in_recovery()", SCRATCH_PORT).strip() != "f":  # promoted at T; --budget bounds it
        time.sleep(0.05)
    promoted = time.monotonic() - started
    restored_keys = key_file.read_text().strip()  # from the key store, not from the primary's environment
    restored_env = app_env(folders, SCRATCH_PORT, restored_keys, secret_key)
    restored_app = AppServer(restored_env, RESTORED_APP_PORT, folders.base / "restored-app.log")
    servers.append(restored_app)
    restored_app.wait_healthy()
    rto = time.monotonic() - started
    log(f"the restored app answers /healthz: RTO {rto:.1f} s")

    found = read_back(restored_env, [a.username for a in before + after])
    problems, whole, came_back = judge(found, before, after)
    checked = manage(restored_env, "check", "--database", "default", check=False)
    if checked.returncode != 0:
        problems.append(f"check --database default failed with the backed-up keys: {checked.stderr.strip()}")
    # The commonest mistake: a key backup that kept the newest key only.
    newest_only = app_env(folders, SCRATCH_PORT, new_key, secret_key)
    refused = manage(newest_only, "check", "--database", "default", check=False)
    if refused.returncode == 0 or "assessments.E002" not in refused.stderr + refused.stdout:
        problems.append("check --database default passed without the older key the backup needs")
    reader = before[-1]
    browser = Browser(f"http://127.0.0.1:{RESTORED_APP_PORT}")
    browser.sign_in(reader.username)
    status, _, page = browser.open(f"/checkins/{reader.checkin}/")
    shown = [words for words in reader.reflections.values() if words in page]
    if status != 200 or len(shown) != len(reader.reflections):
        problems.append(f"{reader.username} could not read their words on check-in {reader.checkin} after restore")

    lags = [a.archived_at - a.acknowledged_at for a in before + after if a.archived_at is not None]
    exposed = [a for a in before if a.archived_at is not None and a.archived_at > target_at]
    print()
    print(f"Restore drill (pgBackRest, PostgreSQL {PGBIN.parent.name}, full backup plus archived WAL, restored to a "
          "point in time)")  # fmt: skip
    print(f"Check-ins acknowledged: {len(before)} before T ({args.before_backup} of them before the base backup), "
          f"{len(after)} after T")  # fmt: skip
    print(f"Acknowledged before T and restored whole, words readable: {whole} of {len(before)}")
    print(f"Started after T and restored: {came_back} (none should be)")
    print(f"{reader.username} read {len(shown)} of {len(reader.reflections)} reflections on the restored app's page")
    print(
        "Keys from the key store (the new key and the one it replaced): check --database default "
        + ("passes" if checked.returncode == 0 else "FAILS")
        + "; with the newest key alone: "
        + ("refused (assessments.E002), as it must be" if refused.returncode else "PASSES, wrongly")
    )
    print(f"Base backup took {backup_seconds:.1f} s ({backup_mb[0]:.0f} MB of database, {backup_mb[1]:.1f} MB in the "
          "repository, compressed and encrypted)")  # fmt: skip
    print(f"archive_timeout = {ARCHIVE_TIMEOUT} s: a WAL segment is archived at least this often")
    print(f"Archive lag (a forced WAL switch until its segment is in the archive): {archive_lag:.2f} s")
    print(f"Acknowledged to archived (the window a lost primary takes with it): {summary_of(lags)}")
    at_risk = f"check-ins acknowledged before T not yet in the archive: {len(exposed)} of {len(before)}"
    if exposed:
        at_risk += f" (acknowledged up to {max(target_at - a.acknowledged_at for a in exposed):.1f} s before T)"
    print(f"Had the primary (and its standby) been lost at T: {at_risk}")
    print(f"RPO: {max(lags):.1f} s (measured worst case; bounded by archive_timeout {ARCHIVE_TIMEOUT} s plus the "
          f"archive lag, {ARCHIVE_TIMEOUT + archive_lag:.1f} s)")  # fmt: skip
    print(f"RTO: {rto:.1f} s (restore and replay {promoted:.1f} s, then the app answering /healthz)")
    print(f"Problems: {len(problems)}")
    for problem in problems:
        print(f"  - {problem}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before-backup", type=int, default=3, help="check-ins sent before the base backup")
    parser.add_argument("--before-target", type=int, default=8, help="check-ins sent after it, before T")
    parser.add_argument("--after-target", type=int, default=4, help="check-ins sent after T (must not come back)")
    parser.add_argument("--budget", type=int, default=300, help="seconds before the whole drill stops itself")
    args = parser.parse_args()
    if min(args.before_backup, args.before_target, args.after_target) < 1:
        parser.error("--before-backup, --before-target and --after-target must each be at least 1")
    if not (PGBIN / "initdb").exists() or not shutil.which("pgbackrest"):
        parser.error("needs Debian's postgresql and pgbackrest packages (make restore-drill installs them as root)")

    def out_of_time(*_):
        raise TimeoutError(f"the drill took longer than its budget of {args.budget} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(args.budget)
    folders = Folders()
    servers: list[AppServer] = []
    try:
        problems = drill(args, folders, servers)
    finally:
        signal.alarm(0)
        for server in servers:
            server.stop()
        for data in (folders.primary, folders.scratch):
            stop_cluster(data)
        shutil.rmtree(folders.base, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
