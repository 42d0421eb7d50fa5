"""OIDC_ISSUER, OIDC_DISCOVERY_URL and SITE_URL are parsed, not prefix-matched, and https with DEBUG off: at
start-up for the sign-in's addresses, and in `manage.py check --deploy` for all three."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured

from tests.server_env import app_process_env, production_env, settings_read

ROOT = Path(__file__).resolve().parents[2]
ENTRA_LIKE = {
    "DATABASE_URL": "",
    "OIDC_ISSUER": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
    "OIDC_CLIENT_ID": "resilience-checkin",
    "OIDC_CLIENT_SECRET": "a-secret",
    "ALLOWED_EMAIL_DOMAINS": "nhs.net",
}
# Addresses that are not https and not this machine, however they begin.
NOT_THIS_MACHINE = [
    "http://localhost.evil.example",
    "http://127.0.0.1.evil.example",
    "http://localhost@evil.example",
    "http://127.0.0.1:80@evil.example",
    "http://login.example.org",
    "http://[::ffff:8.8.8.8]",
]
NOT_AN_ADDRESS = ["https://", "https:///v2.0", "login.example.org", "ftp://login.example.org", "https://a:port/"]
THIS_MACHINE = ["http://127.0.0.1:5556", "http://localhost:8080/realms/staff", "http://[::1]:9000", "http://127.0.0.2"]


@pytest.mark.parametrize("issuer", NOT_THIS_MACHINE + NOT_AN_ADDRESS + ["https://localhost@evil.example"])
def test_an_issuer_that_is_not_https_or_this_machine_stops_start_up(issuer):
    with pytest.raises(ImproperlyConfigured, match=re.escape("OIDC_ISSUER must start with https://") + ".*"):
        settings_read({**ENTRA_LIKE, "OIDC_ISSUER": issuer})


@pytest.mark.parametrize("discovery", NOT_THIS_MACHINE + NOT_AN_ADDRESS)
def test_a_discovery_address_that_is_not_https_or_this_machine_stops_start_up(discovery):
    with pytest.raises(ImproperlyConfigured, match="OIDC_DISCOVERY_URL must start with https://"):
        settings_read({**ENTRA_LIKE, "OIDC_DISCOVERY_URL": discovery})


@pytest.mark.parametrize("issuer", THIS_MACHINE)
def test_plain_http_to_this_machine_is_accepted_at_start_up_for_a_try_out_or_the_test_provider(issuer):
    s = settings_read({**ENTRA_LIKE, "OIDC_ISSUER": issuer})
    assert s.OIDC_DISCOVERY_URL == issuer + "/.well-known/openid-configuration"


@pytest.mark.parametrize("site", NOT_AN_ADDRESS + ["https://someone@checkin.example.nhs.uk"])
def test_a_site_address_that_is_not_a_web_address_stops_start_up(site):
    with pytest.raises(ImproperlyConfigured, match="SITE_URL must start with http:// or https://"):
        settings_read({"DATABASE_URL": "", "SITE_URL": site})


def address_findings(**overrides) -> list[tuple[str, str]]:
    """What `check --deploy` says about the three addresses, as (id, the setting it names)."""
    found = run_checks(include_deployment_checks=True)
    return sorted((m.id, m.msg.split()[0]) for m in found if m.id in {"assessments.E010", "assessments.W010"})


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SITE_URL = "https://checkin.example.nhs.uk"
    settings.OIDC_ISSUER = ENTRA_LIKE["OIDC_ISSUER"]
    settings.OIDC_DISCOVERY_URL = ENTRA_LIKE["OIDC_ISSUER"] + "/.well-known/openid-configuration"
    return settings


def test_https_addresses_pass_the_deployment_check(production):
    assert address_findings() == []


@pytest.mark.parametrize("site", NOT_THIS_MACHINE)
def test_a_plain_http_site_address_fails_the_deployment_check(production, site):
    production.SITE_URL = site
    assert address_findings() == [("assessments.E010", "SITE_URL")]


@pytest.mark.parametrize("name", ["OIDC_ISSUER", "OIDC_DISCOVERY_URL"])
@pytest.mark.parametrize("address", NOT_THIS_MACHINE)
def test_a_plain_http_sign_in_address_fails_the_deployment_check(production, name, address):
    setattr(production, name, address)  # as if start-up had let it through
    assert address_findings() == [("assessments.E010", name)]


def test_plain_http_to_this_machine_is_a_warning_with_debug_off(production):
    production.SITE_URL = "http://127.0.0.1:8000"  # `make serve` tried out on a laptop
    production.OIDC_ISSUER = "http://127.0.0.1:5556"  # the test provider
    production.OIDC_DISCOVERY_URL = "http://localhost:5556/.well-known/openid-configuration"
    assert address_findings() == [
        ("assessments.W010", "OIDC_DISCOVERY_URL"),
        ("assessments.W010", "OIDC_ISSUER"),
        ("assessments.W010", "SITE_URL"),
    ]


def test_with_debug_on_plain_http_is_fine_and_the_sign_in_addresses_are_not_checked_when_it_is_off(production):
    production.SITE_URL = "http://checkin.local:8000"
    production.OIDC_ISSUER = production.OIDC_DISCOVERY_URL = ""
    assert address_findings() == [("assessments.E010", "SITE_URL")]
    production.DEBUG = True
    assert address_findings() == []


def test_the_check_runs_only_for_a_deployment(production):
    production.SITE_URL = "http://checkin.example.nhs.uk"
    assert not [m for m in run_checks() if m.id == "assessments.E010"]


@pytest.mark.slow
def test_manage_py_check_deploy_refuses_a_plain_http_site_address(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=app_process_env(production_env(tmp_path, SITE_URL="http://checkin.example.nhs.uk")),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "assessments.E010" in result.stderr and "SITE_URL must be an https address" in result.stderr
