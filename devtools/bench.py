"""The benchmark behind `make bench`: seed a scale, then time pages through Django's test client.

Prints one `name=value` line per figure. Not a test: it measures.
"""

from __future__ import annotations

import gc
import http.client
import os
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.management.base import CommandError
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.core.framework import PHASES
from assessments.core.move_catalogue import CATALOGUE
from assessments.core.periods import MONTH, latest_shown_period
from assessments.core.steps import REVIEW_STEP
from assessments.leads.parts import PARTS_CACHE
from assessments.models.checkins import CheckIn
from assessments.models.figures import (
    MoveObstacleEntry,
    PublishedPart,
    PublishedPeriod,
    StatementEntry,
    SummaryEntry,
)
from assessments.models.organisation import Membership, Role, Service, Team
from assessments.models.questions import Question
from assessments.practitioner.checkins import checkin_start, checkin_submit
from assessments.practitioner.moves import moves_choose, moves_review, open_moves
from assessments.practitioner.supervision import supervision_mark
from devtools.answers import answer_every_step
from devtools.bench_urls import FLOOR
from devtools.synthetic import SCALES, scale_seed

GROWTH_N = (1_000, 10_000, 100_000)
GROWTH_TEAMS = 10
# The practitioner whose own pages are timed: this many check-ins, each with a reflection on every phase, moves
# chosen and reviewed with a note, and things marked for supervision (what encryption at rest has to open).
WORDS_CHECKINS = 12
WORDS = "A long clinic and a hard risk call; I kept thinking about it on the way home. " * 8


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _query_count(request: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        request()
    return len(queries)  # read now: the log is cleared when the next request starts


def _times_ms(request: Callable[[], object], iterations: int, prepare: Callable[[], None] | None = None) -> list[float]:
    """The wall time of each of `iterations` requests; `prepare` runs before each one, outside the timing."""
    times = []
    for _ in range(iterations):
        if prepare is not None:
            prepare()
        start = time.perf_counter()
        request()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _measure(name: str, request: Callable[[], object], iterations: int, out: Callable[[str], None]) -> None:
    for _ in range(3):  # warm caches and connections
        request()
    query_count = _query_count(request)
    tracemalloc.start()
    request()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    times, cpu = [], []
    for _ in range(iterations):
        start, start_cpu = time.perf_counter(), time.process_time()
        request()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    out(f"{name}_p50_ms={statistics.median(times):.1f}")
    out(f"{name}_p95_ms={_percentile(times, 0.95):.1f}")
    # This process's CPU time (the database on SQLite included): what other work on the machine moves least.
    out(f"{name}_cpu_p50_ms={statistics.median(cpu):.1f}")
    out(f"{name}_queries={query_count}")
    out(f"{name}_peak_alloc_kb={peak / 1024:.0f}")


def _get(client: Client, url: str) -> Callable[[], object]:
    def request():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return request


def _lead_page(name: str, suffix: str, client: Client, url: str, iterations: int, out: Callable[[str], None]) -> float:
    """A lead page or CSV against the floor: a view that sends the same bytes, stored, to the same signed-in person
    through the same middleware (devtools/bench_urls.py). The two are timed in turn, request by request, so that
    other work on the machine falls on both alike. Prints p50, p95, CPU and queries of each, and the ratios."""
    page = _get(client, url)
    floor = _get(client, reverse("bench_floor"))
    for _ in range(3):  # warm caches and connections
        page()
    query_count = _query_count(page)
    FLOOR["body"] = cast(HttpResponse, page()).content
    for _ in range(3):
        floor()
    times: dict[str, list[float]] = {"page": [], "floor": []}
    cpu: dict[str, list[float]] = {"page": [], "floor": []}
    for _ in range(iterations):
        for which, request in (("page", page), ("floor", floor)):
            start, start_cpu = time.perf_counter(), time.process_time()
            request()
            times[which].append((time.perf_counter() - start) * 1000)
            cpu[which].append((time.process_time() - start_cpu) * 1000)
    p50 = {w: statistics.median(t) for w, t in times.items()}
    p95 = {w: _percentile(t, 0.95) for w, t in times.items()}
    out(f"{name}_p50_ms{suffix}={p50['page']:.2f}")
    out(f"{name}_p95_ms{suffix}={p95['page']:.2f}")
    out(f"{name}_cpu_p50_ms{suffix}={statistics.median(cpu['page']):.2f}")
    out(f"{name}_queries{suffix}={query_count}")
    out(f"{name}_bytes{suffix}={len(FLOOR['body'])}")
    out(f"{name}_floor_p50_ms{suffix}={p50['floor']:.2f}")
    out(f"{name}_floor_p95_ms{suffix}={p95['floor']:.2f}")
    out(f"{name}_floor_cpu_p50_ms{suffix}={statistics.median(cpu['floor']):.2f}")
    out(f"{name}_floor_queries{suffix}={_query_count(floor)}")
    # Target: p50 within 2x the floor's, p95 within 3x.
    out(f"{name}_p50_vs_floor{suffix}={p50['page'] / p50['floor']:.2f}")
    out(f"{name}_p95_vs_floor{suffix}={p95['page'] / p95['floor']:.2f}")
    return p50["page"]


# The served figures: requests warmed up on each URL before timing, and how long the server may take to start.
SERVED_WARM_UP = 5
SERVED_START_SECONDS = 60


def _served_env() -> dict[str, str]:
    """The server's environment: the bench's own (its DATABASE_URL among it) with production's settings, except plain
    http on 127.0.0.1 (no TLS redirect, no secure-only cookies) as the load test runs it, and the benchmark's URLs.
    Its secret key is new; its keys for private words are the bench's, so that it could open what the bench sealed."""
    env = dict(os.environ)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        PRIVATE_WORDS_KEYS=",".join(settings.PRIVATE_WORDS_KEYS),  # the bench's own, from its environment or file
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        DJANGO_SETTINGS_MODULE="devtools.bench_settings",
    )
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int, url: str) -> bool:
    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        probe.request("GET", url)
        return probe.getresponse().status == 200
    except OSError:
        return False
    finally:
        probe.close()


@contextmanager
def _server(env: dict[str, str]) -> Iterator[int]:
    """gunicorn as `make serve` runs it (scripts/serve), with one worker, on a free port of 127.0.0.1; its port once
    it answers /healthz. Stopped on leaving. With DEBUG off the pages name their static files by the manifest that
    collectstatic writes, so it runs first, into STATIC_ROOT, as scripts/serve does."""
    root = Path(settings.BASE_DIR)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=root, env=env, check=True)
    port = _free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "resilience_site.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--worker-class",
        "resilience_site.gunicorn_worker.BufferingThreadWorker",
        "--threads",
        "4",
        "--timeout",
        "30",
        "--graceful-timeout",
        "25",
        "--no-control-socket",
        "--error-logfile",
        "-",
        "--logger-class",
        "resilience_site.gunicorn_logging.Logger",
    ]
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + SERVED_START_SECONDS
            while not _answers(port, "/healthz"):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    tail = log.read().decode(errors="replace")[-4000:]
                    raise CommandError(f"The benchmark's server did not answer /healthz:\n{tail}")
                time.sleep(0.2)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


class _HttpClient:
    """One client, one request at a time, over one kept-alive connection (opened again when the server closes it).
    It sends the session cookie and no Accept-Encoding, so that nothing is compressed, as in process."""

    def __init__(self, port: int, cookie: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = cookie
        self.connections = 0

    def get(self, url: str) -> bytes:
        if self.connection.sock is None:
            self.connections += 1
        self.connection.putrequest("GET", url, skip_accept_encoding=True)
        self.connection.putheader("Cookie", self.cookie)
        self.connection.endheaders()
        response = self.connection.getresponse()
        body = response.read()  # the whole of it, as a browser waits for it
        assert response.status == 200, (url, response.status)
        return body

    def close(self) -> None:
        self.connection.close()


def _served_page(name: str, browser: _HttpClient, url: str, iterations: int, out: Callable[[str], None]) -> None:
    """A lead page or CSV against the served floor, over HTTP: page and floor in turn, request by request, each timed
    from sending the request to the last byte of the answer read."""
    for _ in range(SERVED_WARM_UP):
        body = browser.get(url)
    floor_url = f"{reverse('bench_floor')}?bytes={len(body)}"
    for _ in range(SERVED_WARM_UP):
        floor_body = browser.get(floor_url)
    assert len(floor_body) == len(body), (name, len(floor_body), len(body))
    times: dict[str, list[float]] = {"page": [], "floor": []}
    for _ in range(iterations):
        for which, request_url in (("page", url), ("floor", floor_url)):
            start = time.perf_counter()
            browser.get(request_url)
            times[which].append((time.perf_counter() - start) * 1000)
    p50 = {w: statistics.median(t) for w, t in times.items()}
    p95 = {w: _percentile(t, 0.95) for w, t in times.items()}
    out(f"{name}_served_p50_ms={p50['page']:.2f}")
    out(f"{name}_served_p95_ms={p95['page']:.2f}")
    out(f"{name}_served_bytes={len(body)}")
    out(f"{name}_served_floor_p50_ms={p50['floor']:.2f}")
    out(f"{name}_served_floor_p95_ms={p95['floor']:.2f}")
    out(f"{name}_served_p50_vs_floor={p50['page'] / p50['floor']:.2f}")
    out(f"{name}_served_p95_vs_floor={p95['page'] / p95['floor']:.2f}")


def _served_pages(lead: User, service: Service, team: Team, iterations: int, out: Callable[[str], None]) -> None:
    """The lead pages and CSVs again, through the production server: gunicorn with the app's worker, one worker of
    four threads, DEBUG off, on the bench's database, with the benchmark's URLs (devtools/bench_settings.py) so that
    it has the floor. The lead is signed in once, with the server's secret key, and its session cookie sent."""
    env = _served_env()
    with override_settings(SECRET_KEY=env["SECRET_KEY"]):  # the session, and its check of the lead, in the server's
        client = Client()
        client.force_login(lead)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    with _server(env) as port:
        browser = _HttpClient(port, cookie)
        try:
            for name, url in _lead_urls(service, team):
                _served_page(name, browser, url, iterations, out)
        finally:
            browser.close()
    # 1 when the server kept the one connection alive throughout.
    out(f"served_connections={browser.connections}")


def _first_read(name: str, suffix: str, client: Client, url: str, out: Callable[[str], None]) -> None:
    """The first read of a page: it renders and stores its parts, and publishes the period if nobody has yet."""
    with CaptureQueriesContext(connection) as queries:
        out(f"{name}_first_read_ms{suffix}={_times_ms(_get(client, url), 1)[0]:.1f}")
    out(f"{name}_first_read_queries{suffix}={len(queries)}")


def _lead_urls(service: Service, team: Team) -> list[tuple[str, str]]:
    """The service and team summaries and their CSVs, in the order they are measured, by name."""
    period = latest_shown_period().key
    return [
        ("service_summary", reverse("leads:service_summary", args=[service.pk, period])),
        ("team_summary", reverse("leads:team_summary", args=[team.pk, period])),
        ("team_export", reverse("leads:team_summary_export", args=[team.pk, period])),
        ("service_export", reverse("leads:service_summary_export", args=[service.pk, period])),
    ]


def _lead_pages(
    client: Client, service: Service, team: Team, suffix: str, iterations: int, out: Callable[[str], None]
) -> dict[str, float]:
    """The service and team summaries and their CSVs, each against the floor; their p50s by name. The first read of
    the first of them publishes the period where nobody has yet."""
    pages = _lead_urls(service, team)
    # A second run of the benchmark finds the parts the first stored: without them, the first reads below render. So
    # does this process, which keeps the parts it has read in memory (assessments/leads/parts.py).
    PublishedPart.objects.filter(service=service).delete()
    caches[PARTS_CACHE].clear()
    for name, url in pages:
        _first_read(name, suffix, client, url, out)
    return {name: _lead_page(name, suffix, client, url, iterations, out) for name, url in pages}


def _submit_requests(client: Client, team: Team):
    """Each call submits a fresh check-in of the next practitioner; only the POST is timed by the caller."""
    practitioners = list(
        User.objects.filter(memberships__team=team, memberships__role=Role.PRACTITIONER).order_by("pk")
    )
    state = {"i": 0}
    prepared: list = []

    def prepare():
        user = practitioners[state["i"] % len(practitioners)]
        state["i"] += 1
        CheckIn.objects.filter(user=user, status=CheckIn.Status.DRAFT).delete()
        checkin = answer_every_step(checkin_start(user=user, team=team), lambda q: 3)
        client.force_login(user)
        prepared.append(reverse("practitioner:checkin_step", args=[checkin.pk, REVIEW_STEP.slug]))

    def request():
        url = prepared.pop()
        # URL-encoded, as a browser sends it: the app refuses every multipart body, the test client's default.
        response = client.post(url, "", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 302, (url, response.status_code)
        return response

    return prepare, request


def _measure_submit(client: Client, team: Team, iterations: int, out: Callable[[str], None]) -> None:
    prepare, request = _submit_requests(client, team)
    for _ in range(3):
        prepare()
        request()
    prepare()
    query_count = _query_count(request)
    times = _times_ms(request, iterations, prepare)
    out(f"checkin_submit_p50_ms={statistics.median(times):.1f}")
    out(f"checkin_submit_p95_ms={_percentile(times, 0.95):.1f}")
    out(f"checkin_submit_queries={query_count}")


def _practitioner_with_words(prefix: str) -> tuple[User, CheckIn]:
    """A practitioner in a team of their own (so the measured summaries do not change) with a history of private
    words, made through the same functions the pages call. Made once: a second run finds them."""
    username = f"{prefix.lower().replace(' ', '-')}-words"
    user = User.objects.filter(username=username).first()
    if user is None:
        service, _ = Service.objects.get_or_create(name=f"{prefix} words service")
        team = Team.objects.create(service=service, name=f"{prefix} words team")
        user = User.objects.create_user(username=username)
        Membership.objects.create(user=user, team=team, role=Role.PRACTITIONER)
        keys = [m.key for m in CATALOGUE[:2]]
        for i in range(WORDS_CHECKINS):

            def value(q: Question, i: int = i) -> int:
                return 1 + (q.pk + i) % 5

            checkin = answer_every_step(
                checkin_start(user=user, team=team),
                value,
                reflections={phase.slug: f"{phase.slug} {i}: {WORDS}" for phase in PHASES},
                values=f"Helping people feel heard ({i})",
            )
            checkin = checkin_submit(checkin=checkin)
            moves = open_moves(user)
            if moves:
                moves_review(
                    user=user, reviews={m.pk: ("helped", f"It helped in week {i}. {WORDS[:200]}", "") for m in moves}
                )
            moves_choose(user=user, checkin=checkin, catalogue_keys=keys, own_text=f"Leave on time on Fridays ({i})")
            supervision_mark(
                user=user, checkin=checkin, phases=["challenges"], dimensions=["systemic_support"], note=WORDS[:300]
            )
    latest = CheckIn.objects.filter(user=user, status=CheckIn.Status.SUBMITTED).order_by("-submitted_at").first()
    return user, cast(CheckIn, latest)  # WORDS_CHECKINS were sent


def _measure_own_pages(prefix: str, iterations: int, out: Callable[[str], None]) -> None:
    """The practitioner's profile, trends and export pages, which read their private words."""
    user, latest = _practitioner_with_words(prefix)
    client = Client()
    client.force_login(user)
    _measure("profile", _get(client, reverse("practitioner:checkin_detail", args=[latest.pk])), iterations, out)
    _measure("trends", _get(client, reverse("practitioner:trends")), iterations, out)
    _measure("export_json", _get(client, reverse("practitioner:export_json")), iterations, out)


def _passed_on_lines(service: Service, name: str, out: Callable[[str], None]) -> None:
    """What the service's newest shown month holds and publishes beside the dimensions: the statement and obstacle
    rows the publication counted, and how many statement figures and obstacle figures came out shown."""
    period = latest_shown_period(MONTH)
    in_period = {"entry__service": service, "entry__kind": MONTH, "entry__period_start": period.start}
    out(f"statement_entries{name}={StatementEntry.objects.filter(**in_period).count()}")
    out(f"obstacle_entries{name}={MoveObstacleEntry.objects.filter(**in_period).count()}")
    published = PublishedPeriod.objects.get(service=service, kind=MONTH, period_start=period.start).figures
    cells = published["cells"].values()
    statements = [s for cell in cells for s in cell.get("statements", {}).values()]
    out(f"statement_figures_shown{name}={sum(s['hidden'] is None for s in statements)}")
    out(f"statement_figures_hidden{name}={sum(s['hidden'] is not None for s in statements)}")
    obstacles = [cell["obstacles"] for cell in cells if "obstacles" in cell]
    out(f"obstacle_figures_shown{name}={sum(o['hidden'] is None for o in obstacles)}")
    out(f"obstacle_figures_hidden{name}={sum(o['hidden'] is not None for o in obstacles)}")
    whole = published["cells"]["service"].get("obstacles") or {}
    out(f"obstacle_people_in_service{name}={whole.get('n', 'hidden')}")


def bench_run(
    *, scale_name: str, iterations: int, growth: tuple[int, ...], out: Callable[[str], None], seed_only: bool = False
) -> None:
    scale = SCALES[scale_name]
    prefix = f"Scale {scale_name}"
    out(f"scale={scale_name}")
    out(f"database={connection.vendor}")
    out(f"cpus={os.cpu_count()}")
    start = time.perf_counter()
    counts = scale_seed(
        services=scale.services, teams=scale.teams, members=scale.members, periods=scale.periods, prefix=prefix
    )
    out(f"seed_seconds={time.perf_counter() - start:.1f}")
    # What a server process holds once started stays out of the cyclic collector's full scans, as
    # resilience_site/wsgi.py does before serving: otherwise every fifteenth page or so pays for scanning it.
    gc.collect()
    gc.freeze()
    out(f"seeded_checkins={counts['synthetic check-ins created']}")
    out(f"practitioners={scale.teams * scale.members}")
    out(f"teams={scale.teams}")
    out(f"services={scale.services}")
    out(f"periods={scale.periods}")
    if seed_only:
        return

    with override_settings(ROOT_URLCONF="devtools.bench_urls"):  # the floor's URL, for the benchmark only
        _bench_pages(prefix, scale_name, iterations, growth, out)
    out(f"peak_memory_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    # Other work on the machine slows the tail: say how busy it was.
    out(f"load_average_1min={os.getloadavg()[0]:.2f}")


def _bench_pages(
    prefix: str, scale_name: str, iterations: int, growth: tuple[int, ...], out: Callable[[str], None]
) -> None:
    service = Service.objects.get(name=f"{prefix} service 001")
    team = cast(Team, Team.objects.filter(service=service).order_by("pk").first())  # the seed made its teams
    client = Client()
    lead = User.objects.get(username=f"scale-{scale_name}-lead-s001")
    client.force_login(lead)
    _lead_pages(client, service, team, "", iterations, out)
    _passed_on_lines(service, "", out)
    _measure_submit(Client(), team, iterations, out)
    _measure_own_pages(prefix, iterations, out)

    medians: dict[int, float] = {}
    team_medians: dict[int, float] = {}
    for n in growth:
        growth_prefix = f"Growth N={n}"
        start = time.perf_counter()
        scale_seed(services=1, teams=GROWTH_TEAMS, members=n // GROWTH_TEAMS, periods=1, prefix=growth_prefix)
        out(f"seed_seconds_at_N={n}={time.perf_counter() - start:.1f}")
        growth_service = Service.objects.get(name=f"{growth_prefix} service 001")
        in_period = SummaryEntry.objects.filter(
            service=growth_service, kind=MONTH, period_start=latest_shown_period(MONTH).start
        ).count()
        out(f"checkins_in_period_at_N={n}={in_period}")
        if in_period < n:
            # Seeded in an earlier month: the period measured now holds nothing, so the figure would mean nothing.
            raise CommandError(
                f"The N={n} service was seeded for another period; run the benchmark on a fresh database."
            )
        admin_client = Client()
        admin_client.force_login(lead)
        User.objects.filter(pk=lead.pk).update(is_staff=True)  # an administrator sees every service
        # The first read of the service summary publishes the period (computed once from the N rows, then stored)
        # and renders its parts; the other pages' first reads only render. Every read after reads stored parts, so
        # it should not grow with N.
        growth_team = cast(Team, Team.objects.filter(service=growth_service).order_by("pk").first())
        p50s = _lead_pages(admin_client, growth_service, growth_team, f"_at_N={n}", max(iterations // 2, 5), out)
        _passed_on_lines(growth_service, f"_at_N={n}", out)
        medians[n], team_medians[n] = p50s["service_summary"], p50s["team_summary"]
        User.objects.filter(pk=lead.pk).update(is_staff=False)
    if len(medians) > 1:
        smallest, largest = min(medians), max(medians)
        # Target: at most 1.3 (published figures make a page flat in N).
        out(f"service_summary_growth_ratio_N={largest}_vs_N={smallest}={medians[largest] / medians[smallest]:.2f}")
        ratio = team_medians[largest] / team_medians[smallest]
        out(f"team_summary_growth_ratio_N={largest}_vs_N={smallest}={ratio:.2f}")

    # Last, so that the figures in process are as they were: the same pages through the production server.
    _served_pages(lead, service, team, iterations, out)
