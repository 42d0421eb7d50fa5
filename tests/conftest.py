"""The cast: a service, a team, a practitioner, a teammate, a lead, a service lead and an outsider."""

from __future__ import annotations

import itertools
import json
import os
import re
import runpy
import secrets
import select
import shutil
import signal
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from unittest import mock
from urllib.parse import urlencode, urljoin

import pytest
import requests
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from assessments.core.framework import SCALE_MAX, SCALE_MIN
from assessments.core.move_catalogue import CATALOGUE
from assessments.core.periods import Period, latest_shown_period
from assessments.core.scoring import keyed
from assessments.core.steps import QUESTION_STEPS, STEPS_BY_SLUG
from assessments.leads.team_actions import team_action_create
from assessments.models import CheckIn, Membership, QuestionSet, Role, Service, ServiceLead, Team, TeamAction
from assessments.practitioner.checkins import checkin_start, checkin_submit
from assessments.practitioner.moves import moves_choose, moves_review
from assessments.practitioner.questions import question_set_load, questions_by_step
from devtools.answers import answer_every_step

PASSWORD = "a-long-test-password-1"
# The cast joined their teams long ago, so their check-ins count in every period a test uses (a practitioner
# counts in a team's figures from the first whole period after joining).
JOINED = datetime(2023, 1, 2, 9, 0, tzinfo=UTC)


FORM = "application/x-www-form-urlencoded"


class BrowserClient(Client):
    """Posts a dict as a browser posts a form without a file input: URL-encoded.

    Django's test client sends multipart bodies by default, and the app refuses every multipart body with a 413 (it
    takes no uploads: tests/web/test_request_limits.py), so tests post what a browser would.
    """

    def post(self, path, data=None, content_type=FORM, **extra):
        if content_type == FORM and not isinstance(data, str | bytes):
            data = urlencode(data or {}, doseq=True)
        return super().post(path, data, content_type=content_type, **extra)


# The keys tests seal private words with: the fixed test key the root conftest.py sets, or PRIVATE_WORDS_KEYS if the
# run sets it.
TEST_WORDS_KEYS = [key.strip() for key in os.environ["PRIVATE_WORDS_KEYS"].split(",") if key.strip()]


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Two production settings that get in the way of ordinary tests; tests/web/test_security.py covers both.

    Argon2 takes about 0.1 s per password by design, and tests create hundreds of users. Login throttling
    (django-axes) refuses `client.login()`, which passes no request; tests about throttling switch it back on.
    Private words are sealed with TEST_WORDS_KEYS.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    settings.AXES_ENABLED = False
    settings.PRIVATE_WORDS_KEYS = TEST_WORDS_KEYS


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The organisation sign-in's throttle counts in the cache (assessments/web/sign_in.py): none from other tests."""
    cache.clear()


@pytest.fixture
def client() -> BrowserClient:
    return BrowserClient()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# --- the settings a server would start with ------------------------------------------------------------------------

SETTINGS_FILE = Path(__file__).resolve().parents[1] / "resilience_site" / "settings.py"


def settings_read(env: Mapping[str, str], *, drop: tuple[str, ...] = ()) -> SimpleNamespace:
    """The settings module run afresh in this process, with `env` over this process's environment (less the names
    in `drop`): what a server starting with that environment reads. A bad value raises the ImproperlyConfigured
    that stops start-up; tests/web/test_accounts.py shows it ending a real process with its message. The settings
    the tests run on are untouched. (A new Python process for each of these cost about a second of CPU.)"""
    environ = {name: value for name, value in os.environ.items() if name not in drop}
    with mock.patch.dict(os.environ, {**environ, **env}, clear=True):
        return SimpleNamespace(**runpy.run_path(str(SETTINGS_FILE)))


def production_env(tmp_path: Path, **variables: str) -> dict[str, str]:
    """The variables a production server starts with (DEBUG off, a secret key and host of its own, a database in
    tmp_path), with `variables` over them: for settings_read, or beside os.environ for a new process."""
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "checkin.example.nhs.uk",
        "SITE_URL": "https://checkin.example.nhs.uk",
        **variables,
    }


def app_process_env(env: Mapping[str, str]) -> dict[str, str]:
    """This process's environment for a new process of the app, with `env` over it. Without the tests' permission
    for the ORM inside Playwright's event loop: a server never has it."""
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**inherited, "DJANGO_SETTINGS_MODULE": "resilience_site.settings", **env}


def make_user(username: str, **extra) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.nhs.uk", **extra)


# --- the cast -----------------------------------------------------------------------------------------------------
# Each fixture below builds one member of the cast with the function beside it. Worlds built once per module (see
# `module_db`) call the functions, so both kinds of test meet the same people.


def new_service() -> Service:
    return Service.objects.create(name="Riverside Talking Therapies")


def new_team(service: Service, name: str = "North team") -> Team:
    return Team.objects.create(service=service, name=name)


def new_member(team: Team, username: str, first_name: str, role: str = Role.PRACTITIONER, joined=JOINED) -> User:
    """A new person in `team`; `joined=None` means they joined just now."""
    user = make_user(username, first_name=first_name)
    Membership.objects.create(user=user, team=team, role=role, **({"created_at": joined} if joined else {}))
    return user


def new_practitioner(team: Team) -> User:
    return new_member(team, "priya", "Priya")


def new_teammate(team: Team) -> User:
    return new_member(team, "tom", "Tom")


def new_lead(team: Team) -> User:
    return new_member(team, "leah", "Leah", Role.LEAD, joined=None)


def new_other_lead(other_team: Team) -> User:
    return new_member(other_team, "oscar", "Oscar", Role.LEAD, joined=None)


def new_admin() -> User:
    return User.objects.create_superuser("ada", "ada@example.nhs.uk", PASSWORD)


@pytest.fixture
def question_set(db) -> QuestionSet:
    return question_set_load()[0]


@pytest.fixture
def service(db) -> Service:
    return new_service()


@pytest.fixture
def team(service) -> Team:
    return new_team(service)


@pytest.fixture
def other_team(service) -> Team:
    return new_team(service, "South team")


@pytest.fixture
def practitioner(team, question_set) -> User:
    return new_practitioner(team)


@pytest.fixture
def teammate(team, question_set) -> User:
    return new_teammate(team)


@pytest.fixture
def lead(team) -> User:
    return new_lead(team)


@pytest.fixture
def service_lead(service) -> User:
    """Leads the whole service: sees every team's summary and the service's own."""
    user = make_user("sasha", first_name="Sasha")
    ServiceLead.objects.create(user=user, service=service)
    return user


@pytest.fixture
def other_lead(other_team) -> User:
    return new_other_lead(other_team)


@pytest.fixture
def outsider(db) -> User:
    return make_user("olive", first_name="Olive")


@pytest.fixture
def admin_user(db) -> User:
    return new_admin()


FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """Rows built once for every test in a module, as Django's `setUpTestData` builds them once per TestCase class.

    Yields `build(builder)`: it runs `builder()` inside a transaction that stays open until the module's last test
    has run and is then rolled back. Every test of the module sees the rows; what a test changes is still rolled back
    at its end, since pytest-django's transaction per test nests inside this one. For modules whose tests use `db`
    only: `transactional_db` and `live_server` commit and flush, which would end it. Hand each test a
    `copy.deepcopy` of what `build` returned (as `setUpTestData` does), so an object changed in memory by one test
    (`force_login` sets `last_login`, say) is fresh for the next.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()

    def build(builder):
        # The autouse settings fixture is per test, so it has not run yet: hash passwords fast and seal words with
        # the tests' keys here too (a run whose settings were read before the root conftest.py set the key, under
        # `python -m cProfile -m pytest` say, would otherwise seal this module's words under another).
        with (
            django_db_blocker.unblock(),
            override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS, PRIVATE_WORDS_KEYS=TEST_WORDS_KEYS),
        ):
            return builder()

    yield build
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def questions_for(question_set: QuestionSet, step_slug: str):
    """The statements one check-in page asks, in order."""
    return questions_by_step(question_set)[step_slug]


def step_post(question_set: QuestionSet, step_slug: str, value: int | None = 3, **extra) -> dict:
    """A valid POST body answering every statement of one check-in page with one value (with an empty reflection
    on a phase's last page, as the browser sends it)."""
    data = {f"q_{q.pk}": str(value) for q in questions_for(question_set, step_slug)} if value else {}
    if STEPS_BY_SLUG[step_slug].closes_phase:
        data["reflection"] = ""
    data.update(extra)
    return data


def post_every_step(client: Client, checkin: CheckIn, question_set: QuestionSet, value: int | None = 3) -> None:
    """Save every question page of a draft through the pages, as a person would, ready to check and send."""
    for step in QUESTION_STEPS:
        url = reverse("practitioner:checkin_step", args=[checkin.pk, step.slug])
        response = client.post(url, step_post(question_set, step.slug, value))
        assert response.status_code == 302, (step.slug, response.content)


# A signed-in request pushes the session's end back when the last push is a minute old
# (assessments/web/middleware.py: SlidingSessionMiddleware). Inside a test's transaction that write is an UPDATE
# wrapped in a savepoint: three statements. Query pins add it explicitly, for the request that pushes.
SESSION_SAVE = 3
# Every signed-in page's menu asks once what this person can use (assessments/web/context_processors.py).
MENU = 1


# --- building sent check-ins: every page answered (devtools/answers.py), then the real send ---------------------

_SECONDS = itertools.count()


def moment_in(period: Period) -> datetime:
    """A moment inside `period` (its third day, mid-afternoon), one second later at each call."""
    start = timezone.make_aware(datetime.combine(period.start, time(14, 37)))
    return start + timedelta(days=2, seconds=next(_SECONDS))


def shown_moment() -> datetime:
    """A moment in the newest period leads can see (the last one that has ended)."""
    return moment_in(latest_shown_period())


def _answer(question, values: Mapping[str, int], default: int) -> int | None:
    """The answer that puts `question` at its dimension's value; a reverse-keyed statement is answered the other
    way round, so that a dimension at 5 scores 100 whatever its wording. A statement named by code gets that answer."""
    if question.code in values:
        return values[question.code]
    if not question.is_scored:
        return None
    return keyed(values.get(question.dimension, default), reverse=question.reverse_keyed)


def submit_checkin(
    user: User,
    team: Team,
    values: Mapping[str, int] | None = None,
    *,
    default: int = 3,
    when: datetime | None = None,
    reflections: Mapping[str, str] | None = None,
) -> CheckIn:
    """A sent check-in: every scored statement answered with its dimension's value in `values` (else `default`).

    `values` may also name a statement by its code, which wins over its dimension; statements that are not scored
    (frequencies, how the person is, the intention to leave) are answered only when named by code.

    `reflections` maps a phase slug to its private reflection. With `when`, the whole check-in is written with
    the clock at that moment (time-machine, as the tests across time move it), so it is sent then and counts in
    that moment's periods exactly as a real send then would.
    """
    values, reflections = values or {}, reflections or {}
    with time_machine.travel(when, tick=False) if when is not None else nullcontext():
        checkin = answer_every_step(
            checkin_start(user=user, team=team), lambda q: _answer(q, values, default), reflections=reflections
        )
        return checkin_submit(checkin=checkin)


def people_in(team: Team, count: int, prefix: str | None = None) -> list[User]:
    """`count` new practitioners in the team."""
    prefix = prefix or f"t{team.pk}p"
    users = [make_user(f"{prefix}{i}") for i in range(count)]
    Membership.objects.bulk_create(
        Membership(user=u, team=team, role=Role.PRACTITIONER, created_at=JOINED) for u in users
    )
    return users


def spread(values: Mapping[str, int] | None, index: int, count: int, default: int = 3) -> dict[str, int]:
    """The answers of the `index`-th of `count` people around `values`: one answer step below and above in turn
    (the last of an odd number exactly on it), so that the group's mean stays where `values` puts it (at the ends
    of the scale the step is kept inside it). Real teams do not all give the same answer, and the publication
    auditor rightly withholds figures of a team that does: tests about something else build teams like this."""
    offset = 0 if index == count - 1 and count % 2 else (-1 if index % 2 == 0 else 1)
    spread_values = {key: min(SCALE_MAX, max(SCALE_MIN, v + offset)) for key, v in (values or {}).items()}
    spread_values.setdefault("default", min(SCALE_MAX, max(SCALE_MIN, default + offset)))
    return spread_values


def contributions(
    team: Team, count: int, values=None, when=None, prefix=None, alike: bool = False, all_gave=None
) -> list[User]:
    """`count` new practitioners who each sent one check-in, by default in the newest period leads can see.

    Their answers are spread around `values` (see `spread`); `alike=True` gives everyone exactly `values`.
    `all_gave` (a dimension or statement code, and an answer) is given by every one of them beside the spread
    answers: the publication auditor withholds what it makes alike, and only that."""
    users = people_in(team, count, prefix)
    for i, user in enumerate(users):
        if alike:
            submit_checkin(user, team, values, when=when or shown_moment())
        else:
            answers = spread(values, i, count)
            default = answers.pop("default")
            answers.update(all_gave or {})
            submit_checkin(user, team, answers, default=default, when=when or shown_moment())
    return users


def make_action(created_by: User, team: Team | None = None, service: Service | None = None, **extra) -> TeamAction:
    """A planned action on supervision and peer support, recorded through the real write path: for `team`, or
    for every team of `service`. `extra` overrides any field."""
    values = {
        "dimension": "systemic_support",
        "description": "A peer group every fortnight",
        "owner": "Dana",
        "starts_on": date(2026, 1, 5),
        "review_on": date(2026, 4, 1),
        **extra,
    }
    return team_action_create(created_by=created_by, team=team, service=service, **values)


def send_saying_what_got_in_the_way(
    user: User, team: Team, obstacles: list[str], when: datetime | None = None, values=None
) -> CheckIn:
    """A sent check-in (at `when`, by default in the newest period leads can see) that began with a review of the
    moves `user` chose an hour before: one move per obstacle (three at most), each not tried yet and held up by it.
    The earlier check-in, which the moves were chosen from, is in the same period, so this one is the one that
    counts. Through the real write path, as the pages call it."""
    when = when or shown_moment()
    chosen_from = submit_checkin(user, team, values, when=when - timedelta(hours=1))
    keys = [m.key for m in CATALOGUE[: len(obstacles)]]
    with time_machine.travel(when - timedelta(hours=1), tick=False):
        moves = moves_choose(user=user, checkin=chosen_from, catalogue_keys=keys)
    with time_machine.travel(when, tick=False):
        checkin_start(user=user, team=team)
        moves_review(user=user, reviews={m.pk: ("not_yet", "", o) for m, o in zip(moves, obstacles, strict=True)})
    return submit_checkin(user, team, values, when=when)


CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def lead_reads(lead, teams: list[Team], services: list, months: int = 14, exports=("export",)) -> dict[str, bytes]:
    """Every summary page and CSV the lead can open for the last `months` periods, as the bytes they got: for each
    page, the CSVs named in `exports` ("export", "statements_export", "obstacles_export").

    The lead signs in afresh (sessions end after 30 idle minutes, and the attacks take weeks). The per-request
    CSRF token in the sign-out form is the only thing taken out: it is not a figure.
    """
    client = BrowserClient()
    client.force_login(lead)
    period = latest_shown_period()
    keys = []
    for _ in range(months):
        keys.append(period.key)
        period = period.previous()
    urls = [reverse("leads:summary_index")]
    for key in keys:
        for scope, objects in (("team", teams), ("service", services)):
            for obj in objects:
                urls += [reverse(f"leads:{scope}_summary", args=[obj.pk, key])]
                urls += [reverse(f"leads:{scope}_summary_{export}", args=[obj.pk, key]) for export in exports]
    reads = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        reads[url] = CSRF_TOKEN.sub("", response.content.decode()).encode()
    return reads


def chart_svg(html: str, chart_id: str) -> str:
    """The one line chart on a page whose title has the id `<chart_id>-title` (templatetags/charts.py writes it)."""
    charts = re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)
    found = [svg for svg in charts if f'aria-labelledby="{chart_id}-title"' in svg]
    assert len(found) == 1, (chart_id, len(found))
    return found[0]


# --- a real OpenID Connect provider (tests/oidc_provider: panva's oidc-provider on Node, on 127.0.0.1) ------------

OIDC_PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
OIDC_DOMAIN = "example.nhs.uk"  # ALLOWED_EMAIL_DOMAINS while the organisation's sign-in is configured
# The people the provider knows, by the account name typed at its sign-in page (which is also their subject).
# priya's address is the practitioner's in the cast; impostor has the same address under another subject.
OIDC_ACCOUNTS = {
    "priya": {"claims": {"email": "priya@example.nhs.uk", "email_verified": True, "name": "Priya"}},
    "impostor": {"claims": {"email": "priya@example.nhs.uk", "email_verified": True, "name": "Not Priya"}},
    "ivy": {"claims": {"email": "ivy@example.nhs.uk", "email_verified": True, "name": "Ivy"}},
    "sam": {"claims": {"email": "sam@example.nhs.uk", "email_verified": True, "name": "Sam"}},
    "uma": {"claims": {"email": "uma@example.nhs.uk", "email_verified": False, "name": "Uma"}},
    "eli": {"claims": {"email": "eli@elsewhere.example", "email_verified": True, "name": "Eli"}},
    # Signs in only at a lower assurance level than the one a CIS2-like configuration asks for.
    "wes": {"claims": {"email": "wes@example.nhs.uk", "email_verified": True, "name": "Wes"}, "acr": "AAL1_USERPASS"},
    # Look-alike addresses, verified all the same (whoever holds an address can have it verified): a long s, dotless
    # i's and Kelvin signs, which Unicode case mapping turns into s, I and k. And one in capitals, which is the same.
    "sol-long-s": {"claims": {"email": "\u017fol@example.nhs.uk", "email_verified": True, "name": "Not Sol"}},
    "admin-dotless-i": {"claims": {"email": "adm\u0131n@example.nhs.uk", "email_verified": True, "name": "Not Admin"}},
    "ivy-dotless-i": {"claims": {"email": "\u0131vy@example.nhs.uk", "email_verified": True, "name": "Not Ivy"}},
    "kim-kelvin-sign": {"claims": {"email": "\u212aim@example.nhs.uk", "email_verified": True, "name": "Not Kim"}},
    "eve-kelvin-domain": {"claims": {"email": "eve@example.nhs.u\u212a", "email_verified": True, "name": "Eve"}},
    "sol-in-capitals": {"claims": {"email": "Sol@Example.NHS.uk", "email_verified": True, "name": "Sol"}},
}
OIDC_ACR_VALUES = ["AAL3_ANY", "AAL1_USERPASS"]
CALLBACK_PATH = "/sign-in/organisation/callback/"
JWKS_PATH = "/sign-in/organisation/jwks.json"


@dataclass
class ProviderProcess:
    issuer: str
    process: subprocess.Popen
    client_secret: str
    private_key_pem: str

    @contextmanager
    def not_answering(self) -> Iterator[None]:
        """The provider stops answering (its process is paused): connections open, and nothing comes back."""
        os.kill(self.process.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(self.process.pid, signal.SIGCONT)


def _oidc_client(client_id: str, sites: list[str], **auth) -> dict:
    return {
        "client_id": client_id,
        "redirect_uris": [site + CALLBACK_PATH for site in sites],
        "post_logout_redirect_uris": [site + "/accounts/login/" for site in sites],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        **auth,
    }


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory) -> Iterator[ProviderProcess]:
    """The provider, started once per test session on a free port, with two clients for the app: one with a
    client secret, and one with private_key_jwt whose public key the provider fetches from the live server."""
    if shutil.which("node") is None or not (OIDC_PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(
            "The test OpenID Connect provider is not installed (tests/oidc_provider/node_modules is missing, or "
            "node is). Run `make test`, which installs it (`make oidc-provider`: npm ci in tests/oidc_provider).",
            pytrace=False,
        )
    secret = secrets.token_urlsafe(32)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    sites = ["http://testserver", live_server.url]
    # Node looks localhost up as ::1 first, where the live server is not listening.
    jwks_uri = live_server.url.replace("//localhost:", "//127.0.0.1:") + JWKS_PATH
    config = {
        "clients": [
            _oidc_client(
                "checkin-secret", sites, client_secret=secret, token_endpoint_auth_method="client_secret_basic"
            ),
            _oidc_client("checkin-key", sites, token_endpoint_auth_method="private_key_jwt", jwks_uri=jwks_uri),
            # Registered as CIS2's connection manager registers a client: the assertion's algorithm pinned.
            _oidc_client(
                "checkin-key-rs512",
                sites,
                token_endpoint_auth_method="private_key_jwt",
                token_endpoint_auth_signing_alg="RS512",
                jwks_uri=jwks_uri,
            ),
        ],
        "accounts": OIDC_ACCOUNTS,
        "acr_values": OIDC_ACR_VALUES,
    }
    config_file = tmp_path_factory.mktemp("oidc") / "provider.json"
    config_file.write_text(json.dumps(config))
    process = subprocess.Popen(
        ["node", "provider.mjs", str(config_file)],
        cwd=OIDC_PROVIDER_DIR,
        stdout=subprocess.PIPE,
        stderr=None,
        text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], 30)
        line = process.stdout.readline() if ready else ""
        if not line.startswith("READY "):
            pytest.fail(f"The test OpenID Connect provider did not start (it said {line!r}).", pytrace=False)
        yield ProviderProcess(issuer=line.split()[1], process=process, client_secret=secret, private_key_pem=pem)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def configure_sign_in(settings, provider: ProviderProcess, *, site_url: str, by_key: bool = False) -> None:
    """The app set up for the test provider, as the environment variables in docs/deploy.md would set it up."""
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_DISCOVERY_URL = provider.issuer + "/.well-known/openid-configuration"
    settings.OIDC_CLIENT_ID = "checkin-key" if by_key else "checkin-secret"
    settings.OIDC_CLIENT_AUTH = "private_key_jwt" if by_key else "client_secret_basic"
    settings.OIDC_CLIENT_SECRET = "" if by_key else provider.client_secret
    settings.OIDC_PRIVATE_KEY = provider.private_key_pem if by_key else ""
    settings.OIDC_CLIENT_ASSERTION_ALG = "RS256"
    settings.OIDC_SCOPES = ["openid", "email", "profile"]
    settings.OIDC_ACR_VALUES = []
    settings.OIDC_TIMEOUT_SECONDS = 2
    settings.ALLOWED_EMAIL_DOMAINS = [OIDC_DOMAIN]
    settings.SITE_URL = site_url
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**directives, "form-action": ["'self'", provider.issuer]}}


def sign_in_at_provider(authorize_url: str, account: str) -> str:
    """What a person does at their organisation's sign-in page, without a browser: type their account and send.
    Returns the callback address the provider then sends the browser to, with its code and state."""
    with requests.Session() as browser:
        page = browser.get(authorize_url, timeout=10)
        action = re.search(r'<form method="post" action="([^"]+)"', page.text)
        assert action, page.text
        response = browser.post(
            urljoin(page.url, action[1]), data={"login": account}, allow_redirects=False, timeout=10
        )
        provider = "/".join(authorize_url.split("/")[:3])
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if not location.startswith(provider):
                return location
            response = browser.get(location, allow_redirects=False, timeout=10)
        raise AssertionError(
            f"The provider did not send the browser back: {response.status_code} {response.text[:500]}"
        )
