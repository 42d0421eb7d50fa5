"""One settings module, read from environment variables.

Development defaults are safe for a laptop (SQLite in the project folder,
DEBUG on). Production switches behaviour with variables, never with a second
settings file. A bad value stops start-up with a message naming the variable.
"""

from __future__ import annotations

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from resilience_site import addresses

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        value = default
    else:
        try:
            value = int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

# --- Private words sealed at rest -------------------------------------------------------------------------
# Reflections, values, moves, move notes and supervision notes are encrypted in the database with these keys
# (assessments/models/sealed.py): Fernet keys, comma-separated, newest first. The newest seals; any of them opens, so
# a new key can go first and `manage.py reseal_private_words` moves every row onto it. Separate from SECRET_KEY.
# Without the keys the words cannot be read by anyone: docs/deploy.md, "Encryption keys".


def _development_words_key(path: Path) -> str:
    """For a laptop only: a key generated once into a git-ignored file, so `make run` needs no setup. Written whole
    under a temporary name and then linked into place, so two processes starting at once agree on one key."""
    from cryptography.fernet import Fernet

    if not path.exists():
        draft = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(Fernet.generate_key().decode() + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def _words_keys() -> list[str]:
    from cryptography.fernet import Fernet

    keys = env_list("PRIVATE_WORDS_KEYS", [])
    if not keys:
        if not DEBUG:
            raise ImproperlyConfigured(
                "PRIVATE_WORDS_KEYS must be set when DEBUG is off: the keys that seal private words in the database "
                "(see docs/deploy.md, 'Encryption keys')."
            )
        keys = [_development_words_key(BASE_DIR / ".private_words_key")]
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"PRIVATE_WORDS_KEYS entry {number} is not a Fernet key (32 random bytes in url-safe base64, "
                "44 characters). Make one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            ) from None
        if key == SECRET_KEY:
            raise ImproperlyConfigured("PRIVATE_WORDS_KEYS must not contain SECRET_KEY: keep the two apart.")
    if len(set(keys)) != len(keys):
        raise ImproperlyConfigured("PRIVATE_WORDS_KEYS names the same key twice.")
    return keys


PRIVATE_WORDS_KEYS = _words_keys()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
for origin in CSRF_TRUSTED_ORIGINS:
    if not origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"CSRF_TRUSTED_ORIGINS entries must start with http:// or https://, not {origin!r}.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "axes",
    "csp",
    "assessments",
]

# The request log comes first of all, so that every line logged while a request is answered, by any middleware or
# view, carries its id, and its own line has the final status and the whole time.
# Whitenoise answers static files straight after the security middleware, as its documentation asks: a stylesheet or
# script needs no CSP or Permissions-Policy header (they govern documents), which were 330 bytes of every static
# response. The pages safe to compress are compressed last on the way out, once nothing else changes their body
# (docs/adr/0016). The size check comes next, so a body too large to be a form (or any upload) is refused before
# anything reads it. The outage middleware sits just inside so a database error anywhere below it, in
# a view or in another middleware, becomes the friendly 503 page. The UTF-8 check comes after authentication, so its
# 400 page knows who is signed in, and still before the CSRF check or any view reads a body. The no-store header is
# added to every response to a signed-in person (whitenoise answers static files before it). The time-out notice sits
# inside the messages middleware, so a message it adds to a redirect is kept for the sign-in page. Axes goes last, as
# its documentation asks.
MIDDLEWARE = [
    "assessments.web.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "assessments.web.middleware.CompressSafePagesMiddleware",
    "assessments.web.middleware.RequestSizeMiddleware",
    "assessments.web.middleware.DatabaseOutageMiddleware",
    "csp.middleware.CSPMiddleware",
    "assessments.web.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "assessments.web.middleware.NoStoreWhenSignedInMiddleware",
    "assessments.web.middleware.SlidingSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "assessments.web.middleware.SignedOutForInactivityMiddleware",
    "assessments.web.middleware.Utf8FormsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "resilience_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "assessments.web.context_processors.menu",
                "assessments.web.context_processors.session_timeout",
            ],
        },
    },
]

# The default cache, and the pieces of the page frame that are the same on many pages (templates/base.html): kept in
# each server process's memory. Each piece is rendered once per process and whatever it shows (docs/adr/0018).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "template-fragments",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
    # The stored parts of lead pages this process has read (assessments/leads/parts.py): a part never changes once
    # stored, so a copy in memory spares a read its lookup. 50 to 100 KB each: at most about 30 MB a process.
    "published_parts": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "published-parts",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 300},
    },
}

WSGI_APPLICATION = "resilience_site.wsgi.application"

DATABASE_URL = os.environ.get("DATABASE_URL", "") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
except Exception as exc:  # dj-database-url raises several types for a bad URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Django understands: {exc}") from None
# A primary with standbys: libpq takes comma-separated lists of hosts and ports and, with
# ?target_session_attrs=read-write on DATABASE_URL, connects to whichever of them is the primary now.
# dj-database-url refuses a port per host inside the URL, so the lists come from these two variables instead.
DATABASE_HOSTS = env_list("DATABASE_HOSTS", [])
DATABASE_PORTS = env_list("DATABASE_PORTS", [])
if DATABASE_PORTS and not DATABASE_HOSTS:
    raise ImproperlyConfigured("DATABASE_PORTS needs DATABASE_HOSTS (one port per host, or one port for all).")
if DATABASE_HOSTS and len(DATABASE_PORTS) not in (0, 1, len(DATABASE_HOSTS)):
    raise ImproperlyConfigured(
        f"DATABASE_PORTS must name one port, or one per host in DATABASE_HOSTS ({len(DATABASE_HOSTS)}), "
        f"not {len(DATABASE_PORTS)}."
    )
for _port in DATABASE_PORTS:
    if not _port.isdigit():
        raise ImproperlyConfigured(f"DATABASE_PORTS must be port numbers, not {_port!r}.")
if DATABASE_HOSTS:
    DATABASES["default"]["HOST"] = ",".join(DATABASE_HOSTS)
if DATABASE_PORTS:
    DATABASES["default"]["PORT"] = ",".join(DATABASE_PORTS)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite lets one writer in at a time. A deferred transaction that reads, then writes, fails at once with
    # "database is locked" when another writer got in between (the busy timeout cannot help it), so two tabs starting a
    # check-in together got a 503. IMMEDIATE takes the write lock at BEGIN, and waits up to `timeout` seconds for it;
    # WAL lets readers go on while one request writes. synchronous=NORMAL is safe with WAL (a power cut can lose the
    # last commits, never corrupt the file), and it is the newcomer's default, not production's.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# The few statements on every lead page are prepared on the server once per connection (assessments/models/
# compiled.py). Off only behind a pooler that moves statements between connections (PgBouncer in transaction mode).
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Usernames and passwords (switched off by LOCAL_PASSWORDS below), then the sessions the organisation's sign-in
# begins, which never check a password (assessments/web/backends.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "assessments.web.backends.LocalPasswordBackend",
    "assessments.web.backends.OrganisationSignInBackend",
]

# Argon2 first: new and changed passwords use it; older hashes are upgraded at the next sign-in. Its parameters
# (19 MiB, 2 passes, 1 lane) are sized for the server's memory: see the class and docs/deploy.md, "Passwords".
PASSWORD_HASHERS = [
    "assessments.web.passwords.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "login"

# Sessions live in the database, so any app server can answer any request. They end after this many minutes
# without a request and on signing out: requests push the end back, writing the session at most once a minute
# (SlidingSessionMiddleware, assessments/web/middleware.py), not on every request.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from one address,
# that pair is refused for LOGIN_COOLOFF_MINUTES; after LOGIN_ADDRESS_FAILURE_LIMIT wrong passwords from one
# address, whatever the usernames, that address is (so made-up usernames cannot make the server hash without end).
# Attempts are kept in the database, shared by all app servers.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_HANDLER = "assessments.web.passwords.AddressAwareDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "assessments.web.errors.login_locked_out"
# Successful sign-ins are not logged: we keep no record of when a person used the app.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Behind N trusted reverse proxies, the client address is the Nth from the right of X-Forwarded-For.
_proxy_count = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_IPWARE_PROXY_COUNT = _proxy_count or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if _proxy_count else ["REMOTE_ADDR"]

# --- Sign in with the organisation's account (OpenID Connect) --------------------------------------------------------
# Off unless OIDC_ISSUER is set. docs/deploy.md, "Sign in with your organisation", has Microsoft Entra ID and CIS2.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip().rstrip("/")
# Where the provider describes itself; by default the standard place under the issuer.
OIDC_DISCOVERY_URL = os.environ.get("OIDC_DISCOVERY_URL", "").strip() or (
    f"{OIDC_ISSUER}/.well-known/openid-configuration" if OIDC_ISSUER else ""
)
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "").strip()
# How the app proves who it is to the provider: a shared secret, or a private key whose public half the app
# publishes at /sign-in/organisation/jwks.json (private_key_jwt, as CIS2 asks).
OIDC_CLIENT_AUTH = os.environ.get("OIDC_CLIENT_AUTH", "").strip() or "client_secret_basic"
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_PRIVATE_KEY = ""
if _key_file := os.environ.get("OIDC_PRIVATE_KEY_FILE", "").strip():
    try:
        OIDC_PRIVATE_KEY = Path(_key_file).read_text()
    except OSError as exc:
        raise ImproperlyConfigured(f"OIDC_PRIVATE_KEY_FILE cannot be read: {exc}") from None
# The algorithm our client assertions are signed with (CIS2's connection manager asks which: RS512 there).
OIDC_CLIENT_ASSERTION_ALG = os.environ.get("OIDC_CLIENT_ASSERTION_ALG", "").strip() or "RS256"
# The algorithms an ID token may be signed with, comma-separated, whatever the provider's discovery document lists.
# Public-key ones only: "none" proves nothing, and HS256 and the like are keyed with the client secret, which this
# app holds too.
OIDC_ALLOWED_ALGORITHMS = env_list("OIDC_ALLOWED_ALGORITHMS", ["RS256", "PS256", "ES256"])
_PUBLIC_KEY_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "").split() or ["openid", "email", "profile"]
# The assurance levels to ask for (acr_values, space-separated); when set, a sign-in at any other level is refused.
OIDC_ACR_VALUES = os.environ.get("OIDC_ACR_VALUES", "").split()
# The claim that says the provider has confirmed the address (Microsoft Entra ID: xms_edov).
OIDC_EMAIL_VERIFIED_CLAIM = os.environ.get("OIDC_EMAIL_VERIFIED_CLAIM", "").strip() or "email_verified"
# Seconds to wait for the provider before telling the person it is not answering.
OIDC_TIMEOUT_SECONDS = env_int("OIDC_TIMEOUT_SECONDS", 5, minimum=1)
# Requests per app process that may wait on the provider at once (a code exchange, or fetching its discovery document
# and keys); one more gets the "busy" page at once instead of a thread. Keep it below WEB_THREADS, so that a hung
# provider leaves threads for every other page and the health checks (docs/adr/0007-calls-to-the-sign-in-provider-
# are-capped.md).
OIDC_MAX_CONCURRENT_CALLS = env_int("OIDC_MAX_CONCURRENT_CALLS", 2, minimum=1)
# How old the provider's discovery document and keys may get before they are fetched again, in the background.
OIDC_METADATA_REFRESH_SECONDS = env_int("OIDC_METADATA_REFRESH_SECONDS", 3600, minimum=60)
# Starts of an organisation sign-in, and callbacks, from one client address in a clock minute, each, per app process.
OIDC_SIGN_IN_LIMIT_PER_MINUTE = env_int("OIDC_SIGN_IN_LIMIT_PER_MINUTE", 30, minimum=1)
# Local usernames and passwords: on by default (the demo, small services). Off once everyone signs in with the
# organisation's account: no password is accepted anywhere, and the password pages are gone.
LOCAL_PASSWORDS = env_bool("LOCAL_PASSWORDS", True)
if OIDC_ISSUER:
    # Parsed, not prefix-matched (resilience_site/addresses.py). Plain http only to this machine; with DEBUG off
    # even that is flagged by `check --deploy` (assessments/checks.py).
    for _name, _address in (("OIDC_ISSUER", OIDC_ISSUER), ("OIDC_DISCOVERY_URL", OIDC_DISCOVERY_URL)):
        if not addresses.https_or_on_this_machine(_address):
            raise ImproperlyConfigured(
                f"{_name} must start with https:// and name a host (plain http only to this machine: localhost, "
                f"127.0.0.1 or ::1), not {_address!r}."
            )
    if not OIDC_CLIENT_ID:
        raise ImproperlyConfigured("OIDC_CLIENT_ID must be set when OIDC_ISSUER is.")
    if OIDC_CLIENT_AUTH not in {"client_secret_basic", "client_secret_post", "private_key_jwt"}:
        raise ImproperlyConfigured(
            "OIDC_CLIENT_AUTH must be client_secret_basic, client_secret_post or private_key_jwt, "
            f"not {OIDC_CLIENT_AUTH!r}."
        )
    if OIDC_CLIENT_ASSERTION_ALG not in {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}:
        raise ImproperlyConfigured(
            f"OIDC_CLIENT_ASSERTION_ALG must be an RSA algorithm (RS256, RS512...), not {OIDC_CLIENT_ASSERTION_ALG!r}."
        )
    for _alg in OIDC_ALLOWED_ALGORITHMS:
        if _alg not in _PUBLIC_KEY_ALGORITHMS:
            raise ImproperlyConfigured(
                f"OIDC_ALLOWED_ALGORITHMS may name only public-key algorithms ({', '.join(_PUBLIC_KEY_ALGORITHMS)}), "
                f"not {_alg!r}: an ID token signed with none or a shared secret (HS256...) is never accepted."
            )
    if OIDC_CLIENT_AUTH == "private_key_jwt" and not OIDC_PRIVATE_KEY:
        raise ImproperlyConfigured("OIDC_PRIVATE_KEY_FILE must be set when OIDC_CLIENT_AUTH is private_key_jwt.")
    if OIDC_CLIENT_AUTH != "private_key_jwt" and not OIDC_CLIENT_SECRET:
        raise ImproperlyConfigured(f"OIDC_CLIENT_SECRET must be set when OIDC_CLIENT_AUTH is {OIDC_CLIENT_AUTH}.")
    if "openid" not in OIDC_SCOPES or "email" not in OIDC_SCOPES:
        raise ImproperlyConfigured(f"OIDC_SCOPES must include openid and email, not {' '.join(OIDC_SCOPES)!r}.")
    # A person's address decides which account they reach: only the organisation's own domains.
    if not env_list("ALLOWED_EMAIL_DOMAINS", []):
        raise ImproperlyConfigured("ALLOWED_EMAIL_DOMAINS must be set when OIDC_ISSUER is (e.g. nhs.net).")
elif not LOCAL_PASSWORDS:
    raise ImproperlyConfigured("LOCAL_PASSWORDS can only be off when OIDC_ISSUER is set: nobody could sign in.")
# Signing out sends the browser on to the provider after a form is sent, which form-action must allow.
OIDC_ORIGINS = ["/".join(OIDC_ISSUER.split("/")[:3])] if OIDC_ISSUER else []

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic puts files for whitenoise to serve (default: staticfiles/ in the project).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "resilience_site.static_storage.StaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Every form renders through our own crispy template pack for the NHS.UK design system (templates/nhsuk/).
CRISPY_ALLOWED_TEMPLATE_PACKS = ("nhsuk",)
CRISPY_TEMPLATE_PACK = "nhsuk"

# Outgoing mail. Every email is queued in the database with the write that causes it, and `manage.py
# send_queued_email` (cron, every minute) hands what is due to this backend: a relay that is down delays mail, never a
# page (assessments/mail/, docs/adr/0013). In production, an SMTP relay: NHSmail's or the trust's (docs/deploy.md).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost").strip()
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
if EMAIL_PORT > 65535:
    raise ImproperlyConfigured(f"EMAIL_PORT must be a port number (1 to 65535), not {EMAIL_PORT}.")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
if bool(EMAIL_HOST_USER) != bool(EMAIL_HOST_PASSWORD):
    # Django's SMTP backend logs in only when both are set: one alone would send unauthenticated, and be refused.
    raise ImproperlyConfigured("EMAIL_HOST_USER and EMAIL_HOST_PASSWORD must be set together, or neither.")
# STARTTLS on a plain port (587: NHSmail's relay), or TLS from the first byte (465). One or the other, never both.
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS (STARTTLS, port 587) and EMAIL_USE_SSL (TLS from the start, port 465) cannot both be on: "
        "choose the one your relay offers."
    )
# Seconds to wait for the relay at each step: a relay that accepts the connection and never answers holds the sending
# job this long per message, never a page.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "resilience-checkin@localhost").strip()
if "@" not in DEFAULT_FROM_EMAIL or any(c in DEFAULT_FROM_EMAIL for c in "\r\n"):
    raise ImproperlyConfigured(f"DEFAULT_FROM_EMAIL must be an email address, not {DEFAULT_FROM_EMAIL!r}.")
# Sent emails are kept this many days (addressee and subject only: their words are wiped once sent), so an operator
# can see that one went; an email the relay has refused for EMAIL_RETRY_DAYS is given up and deleted.
EMAIL_SENT_KEEP_DAYS = env_int("EMAIL_SENT_KEEP_DAYS", 7, minimum=0)
EMAIL_RETRY_DAYS = env_int("EMAIL_RETRY_DAYS", 7, minimum=1)
# Where the accessibility statement tells people to report a problem (empty: it says to ask their administrator).
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "").strip()

# Content-Security-Policy: only our own scripts, styles and images; no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", *OIDC_ORIGINS],
        "frame-ancestors": ["'none'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True

# HTTPS. On by default when DEBUG is off; SECURE_SSL_REDIRECT and SECURE_COOKIES can be switched off for a plain-http
# run on 127.0.0.1 (the load test does). /healthz and /livez stay reachable over plain http for load balancer probes,
# and /metrics for Prometheus scraping each app server directly.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$", r"^metrics$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The largest request body the app reads: its forms are a few kilobytes (a 5,000-character reflection at most), and it
# takes no uploads. Larger bodies, and every multipart body, get a 413 page unread (RequestSizeMiddleware).
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 2 * 1024 * 1024, minimum=64 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES

# Seconds a browser is asked to wait before retrying when the database is unavailable.
OUTAGE_RETRY_AFTER_SECONDS = env_int("OUTAGE_RETRY_AFTER_SECONDS", 10, minimum=1)

# --- Logs and metrics (docs/adr/0014-logs-and-metrics.md; docs/deploy.md, "Logs and metrics") --------------------
# Every line goes to stderr (the console handler's default stream) for the process manager to collect: one JSON object
# a line ("json", the default with DEBUG off, for a log collector) or one line of text ("plain", the default with DEBUG
# on, for a person at a terminal). Either way each line names the request it was written for (request_id), and a
# request's own line (logger assessments.requests, at INFO) its method, route, view, status and duration. No line
# carries a path as sent, an address, a user or a form's contents (tests/web/test_logs_keep_no_personal_data.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "").strip().lower() or ("plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "assessments.web.logs.JsonFormatter"},
    },
    "filters": {
        "request_context": {"()": "assessments.web.logs.RequestContextFilter"},
        "host_refused_as_warning": {"()": "assessments.web.logs.HostRefusedAsWarning"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_context"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # A Host outside ALLOWED_HOSTS gets the 400 page; Django would log it as an ERROR with a traceback.
        "django.security.DisallowedHost": {"filters": ["host_refused_as_warning"]},
        # Never at DEBUG, whatever LOG_LEVEL says: there the template engine writes a page's whole context (a form's
        # CSRF token, an invite's token, a person's words) and the database every query's parameters.
        "django.template": {"level": "INFO"},
        "django.db.backends": {"level": "INFO"},
    },
}

# Figures for Prometheus at /metrics: off (404) unless METRICS_ENABLED. Never public: a scraper must show METRICS_TOKEN
# as a bearer token, or come straight from an address in METRICS_ALLOWED_IPS (addresses or networks, comma-separated),
# or both when both are set. gunicorn's workers and the cron jobs are separate processes, so each writes its figures
# into PROMETHEUS_MULTIPROC_DIR (read by prometheus_client itself) and /metrics adds them up: required when on.
METRICS_ENABLED = env_bool("METRICS_ENABLED", False)
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "").strip()
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", [])
for _network in METRICS_ALLOWED_IPS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"METRICS_ALLOWED_IPS must be addresses or networks (10.0.0.5, 10.0.0.0/24), not {_network!r}."
        ) from None
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("METRICS_TOKEN must be at least 32 characters: make one with secrets.token_urlsafe(32).")
if METRICS_ENABLED:
    if not METRICS_TOKEN and not METRICS_ALLOWED_IPS:
        raise ImproperlyConfigured(
            "METRICS_ENABLED needs METRICS_TOKEN or METRICS_ALLOWED_IPS (or both): /metrics is never public."
        )
    _metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if not _metrics_dir or not os.path.isdir(_metrics_dir) or not os.access(_metrics_dir, os.W_OK):
        raise ImproperlyConfigured(
            "METRICS_ENABLED needs PROMETHEUS_MULTIPROC_DIR: a directory the app and its cron jobs can write to, "
            f"where each process keeps its figures (not {_metrics_dir!r})."
        )

# --- The product: invites, summaries, retention, reminders ---------------------------------------------------------
# How long an invite link stays usable.
INVITE_VALID_DAYS = env_int("INVITE_VALID_DAYS", 7, minimum=1)
# Invites go only to addresses in these domains, e.g. "nhs.net" (comma-separated; empty allows any address).
ALLOWED_EMAIL_DOMAINS = [d.lower().lstrip("@") for d in env_list("ALLOWED_EMAIL_DOMAINS", [])]

# A summary cell is shown only when at least this many distinct people contributed. Never below 3.
MIN_GROUP_SIZE = env_int("MIN_GROUP_SIZE", 5, minimum=3)
# Shares of people (low / middle / high) are head counts in disguise at small n: they need a larger group.
SHARE_MIN_GROUP_SIZE = env_int("SHARE_MIN_GROUP_SIZE", 10, minimum=MIN_GROUP_SIZE)
# Fixed summary periods: "month" (default) or "quarter". Never custom ranges. Chosen once: the app refuses to
# start with a kind other than the one its figures were published in (assessments/figures/publication.py).
SUMMARY_PERIOD = os.environ.get("SUMMARY_PERIOD", "month").strip().lower() or "month"
if SUMMARY_PERIOD not in {"month", "quarter"}:
    raise ImproperlyConfigured(f"SUMMARY_PERIOD must be month or quarter, not {SUMMARY_PERIOD!r}.")

# Sent check-ins older than this many months are deleted by `manage.py purge_expired`.
RETENTION_MONTHS = env_int("RETENTION_MONTHS", 24, minimum=1)
# Drafts not saved for this many days are treated as abandoned and deleted by the same command.
DRAFT_RETENTION_DAYS = env_int("DRAFT_RETENTION_DAYS", 30, minimum=1)
# The address people use to reach the site; reminder emails link to it.
# The sign-in's redirect URI is built from it too. With DEBUG off, `check --deploy` wants https (assessments/checks.py).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if addresses.parts(SITE_URL) is None:
    raise ImproperlyConfigured(
        f"SITE_URL must start with http:// or https:// and name a host (nothing else before it), not {SITE_URL!r}."
    )
