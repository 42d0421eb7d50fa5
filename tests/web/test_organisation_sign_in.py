"""Signing in with the organisation's account, against a real OpenID Connect provider on 127.0.0.1.

tests/oidc_provider is panva's OpenID Certified oidc-provider; the fixture in tests/conftest.py (tests/oidc.py) starts
it once per session. Nothing of the provider is mocked: the app fetches its discovery document and keys, exchanges
real codes and checks real ID tokens. The person's part at the provider (typing their account) is done with requests
here, and in Chromium in tests/browser/test_organisation_sign_in_e2e.py.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.urls import reverse

from assessments.leads.invites import invite_create
from assessments.models import AuditEvent, Membership, OrganisationIdentity, Role
from assessments.web import identities
from tests.cast import PASSWORD, make_user, new_member
from tests.oidc import configure_sign_in, sign_in_at_provider
from tests.server_env import settings_read

HOME = reverse("site:home")
START = reverse("site:organisation_sign_in")


@pytest.fixture
def by_secret(settings, oidc_provider):
    configure_sign_in(settings, oidc_provider, site_url="http://testserver")
    return oidc_provider


@pytest.fixture
def by_key(settings, oidc_provider):
    configure_sign_in(settings, oidc_provider, site_url="http://testserver", by_key=True)
    return oidc_provider


def authorize_url(client, next_url: str = "") -> str:
    response = client.get(START + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response.content
    return response["Location"]


def sign_in_as(client, account: str, next_url: str = ""):
    """The whole round trip: the app sends the browser to the provider, the person signs in there, and the
    provider sends them back to the app's callback."""
    return client.get(sign_in_at_provider(authorize_url(client, next_url), account))


def signed_in_user(client) -> User | None:
    response = client.get(HOME)
    return response.wsgi_request.user if response.status_code == 200 else None


def test_the_sign_in_page_offers_the_organisations_account_only_when_it_is_configured(client, settings, oidc_provider):
    assert "Sign in with your organisation" not in client.get(reverse("login")).content.decode()
    configure_sign_in(settings, oidc_provider, site_url="http://testserver")
    html = client.get(reverse("login") + "?next=/privacy/").content.decode()
    assert f'href="{START}?next=/privacy/"' in html
    assert 'name="password"' in html  # local passwords stay, by default


def test_a_practitioner_an_administrator_approved_signs_in_with_a_client_secret(client, practitioner, by_secret):
    response = sign_in_as(client, "priya")
    assert response.status_code == 302 and response["Location"] == HOME
    assert signed_in_user(client) == practitioner
    identity = OrganisationIdentity.objects.get()
    assert (identity.user, identity.issuer, identity.subject) == (practitioner, by_secret.issuer, "priya")


def test_a_practitioner_signs_in_with_private_key_jwt_the_provider_checking_our_published_key(
    client, practitioner, by_key
):
    response = sign_in_as(client, "priya")
    assert response.status_code == 302 and response["Location"] == HOME
    assert signed_in_user(client) == practitioner
    keys = client.get(reverse("site:organisation_jwks")).json()["keys"]
    assert [k["kty"] for k in keys] == ["RSA"] and "d" not in keys[0]  # the public half only


def test_client_assertions_can_be_signed_with_rs512_as_cis2_asks(client, practitioner, by_key, settings):
    settings.OIDC_CLIENT_ID = "checkin-key-rs512"  # the provider accepts RS512 assertions only from this client
    assert sign_in_as(client, "priya").status_code == 400
    settings.OIDC_CLIENT_ASSERTION_ALG = "RS512"
    assert sign_in_as(client, "priya")["Location"] == HOME


def test_the_published_key_set_is_not_there_when_the_app_signs_in_with_a_secret(client, by_secret):
    assert client.get(reverse("site:organisation_jwks")).status_code == 404


def test_the_second_sign_in_finds_the_same_account_by_issuer_and_subject(client, practitioner, by_secret):
    sign_in_as(client, "priya")
    client.post(reverse("logout"))
    practitioner.email = "priya.new@example.nhs.uk"  # the account's address changed since: the subject still links
    practitioner.save()
    assert sign_in_as(client, "priya").status_code == 302
    assert signed_in_user(client) == practitioner
    assert OrganisationIdentity.objects.count() == 1


def test_someone_else_with_the_same_address_cannot_take_over_a_linked_account(client, practitioner, by_secret):
    sign_in_as(client, "priya")
    client.post(reverse("logout"))
    response = sign_in_as(client, "impostor")
    assert response.status_code == 403
    assert "linked to a different organisation account" in response.content.decode()
    assert signed_in_user(client) is None
    assert list(OrganisationIdentity.objects.values_list("subject", flat=True)) == ["priya"]


def test_the_first_sign_in_from_an_invited_address_makes_the_account_and_joins_the_team(client, lead, team, by_secret):
    invite, _token = invite_create(team=team, created_by=lead, email="ivy@example.nhs.uk")
    response = sign_in_as(client, "ivy", next_url="/privacy/")
    assert response.status_code == 302 and response["Location"] == "/privacy/"
    ivy = User.objects.get(username="ivy@example.nhs.uk")
    assert (ivy.email, ivy.first_name, ivy.has_usable_password()) == ("ivy@example.nhs.uk", "Ivy", False)
    assert Membership.objects.filter(user=ivy, team=team, role="practitioner").exists()
    invite.refresh_from_db()
    assert invite.used_by == ivy
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITE_ACCEPTED, subject="ivy@example.nhs.uk").exists()
    home = client.get(HOME).content.decode()
    assert f"You have joined {team.name}" in home
    assert "Change password" not in home  # there is no password to change


def test_an_invite_to_a_tagged_address_is_found_by_its_mailbox_at_the_first_sign_in(client, lead, team, by_secret):
    """The directory vouches for ivy@; the lead wrote Ivy+north@, which reaches the same mailbox: one person."""
    invite, _token = invite_create(team=team, created_by=lead, email="Ivy+north@example.nhs.uk")
    assert sign_in_as(client, "ivy").status_code == 302
    ivy = User.objects.get(email="ivy@example.nhs.uk")
    assert Membership.objects.filter(user=ivy, team=team, role="practitioner").exists()
    invite.refresh_from_db()
    assert invite.used_by == ivy and invite.open_mailbox == ""


def test_a_person_with_no_membership_and_no_invite_is_told_who_to_ask_and_no_account_is_made(client, by_secret):
    users_before = User.objects.count()
    response = sign_in_as(client, "sam")
    html = response.content.decode()
    assert response.status_code == 403
    assert "You do not have access yet" in html and "ask your team lead to invite you" in html
    assert "sam@example.nhs.uk" in html
    assert User.objects.count() == users_before and not OrganisationIdentity.objects.exists()
    assert signed_in_user(client) is None


def test_an_account_without_a_membership_is_not_enough(client, outsider, by_secret):
    outsider.email = "sam@example.nhs.uk"
    outsider.save()
    assert sign_in_as(client, "sam").status_code == 403
    assert not OrganisationIdentity.objects.exists()


def test_an_address_the_provider_has_not_verified_is_refused(client, by_secret, team, lead):
    invite_create(team=team, created_by=lead, email="uma@example.nhs.uk")
    response = sign_in_as(client, "uma")
    assert response.status_code == 403
    assert "does not confirm your email address" in response.content.decode()
    assert not User.objects.filter(email="uma@example.nhs.uk").exists()


def test_an_address_outside_the_allowed_domains_is_refused(client, by_secret, team):
    user = make_user("eli")
    user.email = "eli@elsewhere.example"
    user.save()
    user.memberships.create(team=team, role="practitioner")
    response = sign_in_as(client, "eli")
    html = response.content.decode()
    assert response.status_code == 403
    assert "eli@elsewhere.example" in html and "@example.nhs.uk" in html
    assert signed_in_user(client) is None and not OrganisationIdentity.objects.exists()


def test_a_tampered_state_is_refused_and_signs_nobody_in(client, practitioner, by_secret):
    callback = sign_in_at_provider(authorize_url(client), "priya")
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    tampered = f"{parts.path}?{urlencode({'code': query['code'][0], 'state': 'not-the-state-we-sent'})}"
    response = client.get(tampered)
    assert response.status_code == 400
    assert "We could not finish signing you in" in response.content.decode()
    assert signed_in_user(client) is None


def test_a_replayed_callback_is_refused(client, practitioner, by_secret):
    callback = sign_in_at_provider(authorize_url(client), "priya")
    assert client.get(callback).status_code == 302
    client.post(reverse("logout"))
    assert client.get(callback).status_code == 400
    assert signed_in_user(client) is None


def test_a_code_replayed_into_a_new_sign_in_is_refused_by_the_provider(client, practitioner, by_secret):
    """The attacker holds a used code and starts their own sign-in, so the state is good: the code is not."""
    used = parse_qs(urlsplit(sign_in_at_provider(authorize_url(client), "priya")).query)["code"][0]
    state = parse_qs(urlsplit(authorize_url(client)).query)["state"][0]
    response = client.get(reverse("site:organisation_sign_in_callback") + f"?code={used}&state={state}")
    assert response.status_code == 400
    assert signed_in_user(client) is None


def test_a_refusal_at_the_provider_is_a_page(client, by_secret):
    response = client.get(reverse("site:organisation_sign_in_callback") + "?error=access_denied&state=x")
    assert response.status_code == 400
    assert "We could not finish signing you in" in response.content.decode()


def test_a_provider_that_does_not_answer_the_code_exchange_is_a_page_not_a_hang(client, practitioner, by_secret):
    callback = sign_in_at_provider(authorize_url(client), "priya")
    with by_secret.not_answering():
        response = client.get(callback)
    assert response.status_code == 503
    assert "not answering just now" in response.content.decode()
    assert signed_in_user(client) is None


def test_a_provider_that_is_down_when_sign_in_starts_is_a_page(client, settings, by_secret):
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"  # nothing listens there
    response = client.get(START)
    assert response.status_code == 503
    assert "not answering just now" in response.content.decode()


def test_an_assurance_level_lower_than_the_one_asked_for_is_refused(client, settings, by_secret, team, lead):
    settings.OIDC_ACR_VALUES = ["AAL3_ANY"]
    assert "acr_values=AAL3_ANY" in authorize_url(client)
    invite_create(team=team, created_by=lead, email="wes@example.nhs.uk")
    response = sign_in_as(client, "wes")
    assert response.status_code == 403
    assert "strongly enough" in response.content.decode()
    invite_create(team=team, created_by=lead, email="ivy@example.nhs.uk")
    assert sign_in_as(client, "ivy").status_code == 302  # the provider reached the level asked for


def test_refused_callbacks_lock_nobody_out(client, practitioner, teammate, by_secret, settings):
    """django-axes counts wrong passwords per username and address; refused callbacks are not counted at all,
    so a run of them from one address (a shared ward computer, say) holds nobody up."""
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        assert client.get(reverse("site:organisation_sign_in_callback") + "?code=x&state=y").status_code == 400
    assert sign_in_as(client, "priya").status_code == 302
    client.post(reverse("logout"))
    response = client.post(reverse("login"), {"username": "tom", "password": PASSWORD})
    assert response.status_code == 302


def test_signing_out_ends_the_session_here_and_sends_the_browser_to_the_provider_to_end_its_own(
    client, practitioner, by_secret
):
    sign_in_as(client, "priya")
    response = client.post(reverse("logout"))
    location = response["Location"]
    assert response.status_code == 302 and location.startswith(by_secret.issuer + "/session/end")
    query = parse_qs(urlsplit(location).query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert query["client_id"] == ["checkin-secret"]
    assert "id_token_hint" not in query  # the session kept no ID token to send
    assert signed_in_user(client) is None


def test_signing_out_after_a_password_sign_in_stays_here(client, practitioner, by_secret):
    client.post(reverse("login"), {"username": "priya", "password": PASSWORD})
    assert client.post(reverse("logout"))["Location"] == reverse("login")


def test_with_local_passwords_off_no_password_is_accepted_and_the_password_pages_are_gone(
    client, practitioner, by_secret, settings
):
    settings.LOCAL_PASSWORDS = False
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with your organisation" in page and 'name="password"' not in page
    response = client.post(reverse("login"), {"username": "priya", "password": PASSWORD})
    assert response.status_code == 403 and signed_in_user(client) is None
    for name in ("password_reset", "password_change"):
        assert client.get(reverse(name)).status_code == 404
    assert client.get(reverse("admin:index"), follow=True).redirect_chain[-1][0].startswith(reverse("login"))
    assert sign_in_as(client, "priya").status_code == 302
    assert signed_in_user(client) == practitioner
    assert "Change password" not in client.get(HOME).content.decode()


def test_with_local_passwords_off_a_session_begun_with_a_password_ends(client, practitioner, by_secret, settings):
    client.post(reverse("login"), {"username": "priya", "password": PASSWORD})
    settings.LOCAL_PASSWORDS = False
    assert signed_in_user(client) is None


def test_with_local_passwords_off_an_invite_link_leads_to_the_organisations_sign_in(
    client, lead, team, by_secret, settings
):
    settings.LOCAL_PASSWORDS = False
    _invite, token = invite_create(team=team, created_by=lead, email="ivy@example.nhs.uk")
    assert client.get(reverse("site:join", args=[token]))["Location"] == START


def test_two_tabs_finishing_a_first_sign_in_at_once_reach_one_account_the_database_deciding(
    client, lead, team, by_secret, monkeypatch
):
    """Both tabs read before either writes: the second one's inserts hit the unique constraints, and it finds the
    account and the link the first one made (no check-then-create)."""
    invite_create(team=team, created_by=lead, email="ivy@example.nhs.uk")
    real_open_invites_to = identities.open_invites_to
    other_tab: list = []

    def other_tab_finishes_in_between(email):
        invites = real_open_invites_to(email)
        if not other_tab:
            monkeypatch.setattr(identities, "open_invites_to", real_open_invites_to)
            other_tab.append(
                identities.identity_sign_in(issuer=by_secret.issuer, subject="ivy", email=email, name="Ivy")
            )
        return invites

    monkeypatch.setattr(identities, "open_invites_to", other_tab_finishes_in_between)
    response = sign_in_as(client, "ivy")
    assert response.status_code == 302 and response["Location"] == HOME
    ivy = User.objects.get(email="ivy@example.nhs.uk")
    assert other_tab[0][0] == ivy == signed_in_user(client)
    assert OrganisationIdentity.objects.filter(user=ivy).count() == 1
    assert Membership.objects.filter(user=ivy, team=team).count() == 1


# --- look-alike addresses -----------------------------------------------------------------------------


@pytest.fixture
def database_folds_case_as_postgresql_does(monkeypatch):
    """Case-insensitive matching in the database that knows Unicode, as PostgreSQL's does.

    On PostgreSQL `email__iexact` is UPPER(email) = UPPER(%s), and UPPER('ſ') is 'S', UPPER('ı') is 'I': that is how
    `ſol@…` reached the account of `sol@…`. SQLite's LIKE folds A to Z only, so there the lookup is made PostgreSQL's
    for the test (Python's str.upper as UPPER), and a first sign-in matching addresses with `iexact` again would let
    the look-alike in here too. On PostgreSQL there is nothing to do.
    """
    if connection.vendor != "sqlite":
        return
    connection.ensure_connection()
    connection.connection.create_function(
        "unicode_upper", 1, lambda text: None if text is None else text.upper(), deterministic=True
    )
    lookup_cast = connection.ops.lookup_cast
    monkeypatch.setitem(connection.operators, "iexact", "= unicode_upper(%s)")
    monkeypatch.setattr(
        connection.ops,
        "lookup_cast",
        lambda lookup, internal_type=None: "unicode_upper(%s)"
        if lookup == "iexact"
        else lookup_cast(lookup, internal_type),
    )
    monkeypatch.setattr(connection.ops, "prep_for_iexact_query", lambda value: value)  # no LIKE escapes for `=`


@pytest.fixture
def sol(team) -> User:
    """A lead whose address (sol@example.nhs.uk) a look-alike could be mistaken for."""
    return new_member(team, "sol", "Sol", Role.LEAD, joined=None)


def assert_told_to_ask_for_access(client, response, address: str) -> None:
    """The page for an address nobody approved: nothing linked, nobody signed in."""
    html = response.content.decode()
    assert response.status_code == 403 and "You do not have access yet" in html and address in html
    assert signed_in_user(client) is None and not OrganisationIdentity.objects.exists()


def test_a_look_alike_address_does_not_sign_in_as_the_lead(
    client, sol, by_secret, database_folds_case_as_postgresql_does
):
    users_before = User.objects.count()
    response = sign_in_as(client, "sol-long-s")  # \u017fol@example.nhs.uk: a long s, which UPPER() makes an S
    assert_told_to_ask_for_access(client, response, "\u017fol@example.nhs.uk")
    assert User.objects.count() == users_before


def test_a_look_alike_address_does_not_sign_in_as_the_administrator(
    client, by_secret, database_folds_case_as_postgresql_does
):
    User.objects.create_superuser("admin", "admin@example.nhs.uk", PASSWORD)
    users_before = User.objects.count()
    response = sign_in_as(client, "admin-dotless-i")  # adm\u0131n@example.nhs.uk: a dotless i, which UPPER() makes I
    assert_told_to_ask_for_access(client, response, "adm\u0131n@example.nhs.uk")
    assert User.objects.count() == users_before


def test_a_look_alike_address_does_not_take_up_the_invite_sent_to_the_address_it_looks_like(
    client, lead, team, by_secret, database_folds_case_as_postgresql_does
):
    invite, _token = invite_create(team=team, created_by=lead, email="ivy@example.nhs.uk")
    users_before = User.objects.count()
    response = sign_in_as(client, "ivy-dotless-i")  # \u0131vy@example.nhs.uk
    assert_told_to_ask_for_access(client, response, "\u0131vy@example.nhs.uk")
    assert User.objects.count() == users_before
    invite.refresh_from_db()
    assert invite.used_at is None
    assert sign_in_as(client, "ivy").status_code == 302  # the invite is still there for Ivy
    assert Membership.objects.filter(user__email="ivy@example.nhs.uk", team=team).exists()


def test_an_address_python_lowers_to_another_reaches_only_an_account_of_its_own(client, lead, team, by_secret):
    """Python's lower() makes the Kelvin sign a k. Kim joined by an invite link, so her username is her address; a
    lead persuaded to invite the look-alike gives it an account of its own, never Kim's."""
    kim = User.objects.create_user(username="kim@example.nhs.uk", email="kim@example.nhs.uk", first_name="Kim")
    kim.memberships.create(team=team, role=Role.PRACTITIONER)
    invite_create(team=team, created_by=lead, email="\u212aim@example.nhs.uk")
    assert sign_in_as(client, "kim-kelvin-sign").status_code == 302
    person = signed_in_user(client)
    assert person != kim and person.email == "\u212aim@example.nhs.uk"
    assert not OrganisationIdentity.objects.filter(user=kim).exists()


def test_an_address_at_a_look_alike_domain_is_refused(client, by_secret):
    response = sign_in_as(client, "eve-kelvin-domain")  # eve@example.nhs.u\u212a: a Kelvin sign for the k
    assert response.status_code == 403
    assert "This service accepts only work addresses ending in @example.nhs.uk" in response.content.decode()
    assert signed_in_user(client) is None and not OrganisationIdentity.objects.exists()


def test_an_address_that_differs_only_in_capitals_still_signs_in_to_its_account(client, sol, by_secret):
    response = sign_in_as(client, "sol-in-capitals")  # Sol@Example.NHS.uk
    assert response.status_code == 302 and response["Location"] == HOME
    assert signed_in_user(client) == sol


def test_an_invite_to_an_address_in_capitals_is_taken_up_by_that_address(client, lead, team, by_secret):
    invite, _token = invite_create(team=team, created_by=lead, email="IVY@Example.nhs.uk")
    assert sign_in_as(client, "ivy").status_code == 302
    invite.refresh_from_db()
    assert invite.used_by == signed_in_user(client)


ENTRA_LIKE = {
    "OIDC_ISSUER": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
    "OIDC_CLIENT_ID": "resilience-checkin",
    "OIDC_CLIENT_SECRET": "a-secret",
    "ALLOWED_EMAIL_DOMAINS": "nhs.net",
}


def test_the_organisations_sign_in_is_configured_from_environment_variables(tmp_path, oidc_provider):
    key_file = tmp_path / "key.pem"
    key_file.write_text(oidc_provider.private_key_pem)
    env = {
        **ENTRA_LIKE,
        "OIDC_CLIENT_SECRET": "",
        "OIDC_CLIENT_AUTH": "private_key_jwt",
        "OIDC_PRIVATE_KEY_FILE": str(key_file),
        "OIDC_ACR_VALUES": "AAL3_ANY AAL2_OR_ABOVE",
        "OIDC_ALLOWED_ALGORITHMS": "RS512, PS512",
        "LOCAL_PASSWORDS": "false",
    }
    s = settings_read({"DATABASE_URL": "", **env})
    assert s.OIDC_DISCOVERY_URL == ENTRA_LIKE["OIDC_ISSUER"] + "/.well-known/openid-configuration"
    # Signing out goes on to the provider after a form.
    assert s.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] == ["'self'", "https://login.microsoftonline.com"]
    assert (s.OIDC_ACR_VALUES, s.LOCAL_PASSWORDS) == (["AAL3_ANY", "AAL2_OR_ABOVE"], False)
    assert s.OIDC_PRIVATE_KEY == oidc_provider.private_key_pem
    assert s.OIDC_ALLOWED_ALGORITHMS == ["RS512", "PS512"]
    assert settings_read({"DATABASE_URL": "", **ENTRA_LIKE}).OIDC_ALLOWED_ALGORITHMS == ["RS256", "PS256", "ES256"]


@pytest.mark.parametrize(
    "env, message",
    [
        ({"OIDC_CLIENT_ID": ""}, "OIDC_CLIENT_ID must be set"),
        ({"OIDC_ISSUER": "http://login.example.org"}, "OIDC_ISSUER must start with https://"),
        ({"OIDC_CLIENT_AUTH": "none"}, "OIDC_CLIENT_AUTH must be"),
        ({"OIDC_CLIENT_SECRET": ""}, "OIDC_CLIENT_SECRET must be set"),
        ({"OIDC_CLIENT_AUTH": "private_key_jwt"}, "OIDC_PRIVATE_KEY_FILE must be set"),
        ({"OIDC_PRIVATE_KEY_FILE": "/no/such/key.pem"}, "OIDC_PRIVATE_KEY_FILE cannot be read"),
        ({"OIDC_SCOPES": "openid profile"}, "OIDC_SCOPES must include openid and email"),
        ({"ALLOWED_EMAIL_DOMAINS": ""}, "ALLOWED_EMAIL_DOMAINS must be set"),
        ({"OIDC_ISSUER": "", "LOCAL_PASSWORDS": "false"}, "LOCAL_PASSWORDS can only be off"),
        ({"OIDC_TIMEOUT_SECONDS": "0"}, "OIDC_TIMEOUT_SECONDS must be at least 1"),
        ({"OIDC_ALLOWED_ALGORITHMS": "RS256,none"}, "OIDC_ALLOWED_ALGORITHMS may name only public-key algorithms"),
        ({"OIDC_ALLOWED_ALGORITHMS": "HS256"}, "not 'HS256': an ID token signed with none or a shared secret"),
        ({"OIDC_ALLOWED_ALGORITHMS": "rs256"}, "not 'rs256'"),
    ],
)
def test_a_bad_sign_in_setting_stops_start_up_with_a_message_naming_it(env, message):
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        settings_read({"DATABASE_URL": "", **ENTRA_LIKE, **env})
