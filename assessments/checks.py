"""System checks: those that need the database, run by `migrate` and `manage.py check --database default`; and
those for a deployment, run by `manage.py check --deploy` (as `make serve` does before it starts)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from resilience_site import addresses


@checks.register(checks.Tags.database)
def summary_period_unchanged(app_configs, databases=None, **kwargs) -> list[checks.CheckMessage]:
    if not databases:
        return []
    from assessments.figures.publication import refuse_a_changed_period_kind

    try:
        refuse_a_changed_period_kind()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="assessments.E001")]
    return []


@checks.register(checks.Tags.database)
def private_words_open(app_configs, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """A wrong PRIVATE_WORDS_KEYS stops `migrate` and `check --database default` before anyone reads a page; words
    still in the first format, which binds them to no row, are a warning until they are resealed."""
    if not databases:
        return []
    from django.db import DatabaseError, connection
    from django.db.migrations.recorder import MigrationRecorder

    from assessments.models.sealed import KEYS_VARIABLE, sample_findings

    try:
        if ("assessments", "0007_seal_private_words") not in MigrationRecorder(connection).applied_migrations():
            return []  # the words are not sealed yet: `migrate` is about to seal them
        found = sample_findings()
    except DatabaseError:
        return []  # no database yet: nothing stored to open
    messages: list[checks.CheckMessage] = []
    if found.unopenable is not None:
        messages.append(
            checks.Error(
                f"The private words in {found.unopenable} cannot be opened with any key in {KEYS_VARIABLE}.",
                hint=f"Put the key they were sealed with back in {KEYS_VARIABLE} (newest first, comma-separated); "
                f"on a laptop without {KEYS_VARIABLE}, the key is the one in .private_words_key. "
                "See docs/deploy.md, 'Encryption keys'.",
                id="assessments.E002",
            )
        )
    if found.first_format is not None:
        messages.append(
            checks.Warning(
                f"The private words in {found.first_format} are still sealed in the first format, which does not "
                "bind them to their row.",
                hint="Run `manage.py reseal_private_words`. See docs/deploy.md, 'Encryption keys'.",
                id="assessments.W002",
            )
        )
    return messages


@checks.register(checks.Tags.security, deploy=True)
def addresses_use_https(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """With DEBUG off, the addresses the sign-in is made of are https.

    SITE_URL builds the redirect URI the provider sends each person's code to, and OIDC_ISSUER and
    OIDC_DISCOVERY_URL are where the app learns the provider's endpoints and keys: over plain http anyone on the way
    could read the code or hand the app keys of their own. The settings refuse plain http to any host but this
    machine at start-up; this check, with DEBUG off, refuses it to any other host (an error, which stops
    `make serve`) and flags it to this machine (a warning: a try-out of `make serve`, or the test provider).
    """
    if settings.DEBUG:
        return []
    named = [("SITE_URL", settings.SITE_URL)]
    if settings.OIDC_ISSUER:
        named += [("OIDC_ISSUER", settings.OIDC_ISSUER), ("OIDC_DISCOVERY_URL", settings.OIDC_DISCOVERY_URL)]
    found: list[checks.CheckMessage] = []
    for name, address in named:
        split = addresses.parts(address)
        if split is not None and split.scheme == "https":
            continue
        if addresses.on_this_machine(address):
            found.append(
                checks.Warning(
                    f"{name} is plain http ({address}) with DEBUG off. That is only right for a try-out on this "
                    "machine.",
                    hint=f"Set {name} to the https address people (or the app) use; see docs/deploy.md.",
                    id="assessments.W010",
                )
            )
        else:
            found.append(
                checks.Error(
                    f"{name} must be an https address with DEBUG off, not {address!r}.",
                    hint=f"Set {name} to the https address; see docs/deploy.md.",
                    id="assessments.E010",
                )
            )
    return found


@checks.register(checks.Tags.security, deploy=True)
def email_leaves_the_server(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """With DEBUG off, emails go to a relay. The console and file backends (the development default) send nothing:
    every invite and reset link would be written to the sending job's output, and nobody would get one."""
    writes_locally = {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    }
    if settings.DEBUG or settings.EMAIL_BACKEND not in writes_locally:
        return []
    return [
        checks.Warning(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND} with DEBUG off: no email leaves this server, and the join "
            "and reset links in them are written to the sending job's output.",
            hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the relay's EMAIL_* settings; "
            "see docs/deploy.md, Email.",
            id="assessments.W020",
        )
    ]
