"""A real SMTP relay on 127.0.0.1 for the mail tests, and the two ways a relay is down.

`relay_running` starts aiosmtpd in a thread, as a trust's relay would answer: STARTTLS required before anything
else, then authentication (PLAIN or LOGIN) required before a message is taken, with a throwaway self-signed
certificate for 127.0.0.1 made here with `cryptography`. The app's own SMTP backend talks to it with nothing
patched: it trusts the certificate only because the test points OpenSSL's SSL_CERT_FILE at it, as an operator would
point it at their organisation's CA. Each message taken is kept with what the relay saw of the conversation.

`closed_port` is a relay that is off (the connection is refused); `silent_relay` one that accepts the connection and
never says a word (the client waits for its greeting until EMAIL_TIMEOUT).
"""

from __future__ import annotations

import datetime
import email
import email.policy
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

RELAY_USER = "checkin-app@example.nhs.uk"
RELAY_PASSWORD = "a relay password 7"


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1 (and localhost), valid for a day, written to `directory`."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test relay")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "relay.crt", directory / "relay.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@dataclass
class Received:
    """One message the relay took, with what it saw of the conversation that brought it."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    authenticated_as: str | None
    over_tls: bool

    def part(self, content_type: str) -> str:
        found = self.message.get_body(preferencelist=(content_type.split("/")[1],))
        assert found is not None and found.get_content_type() == content_type, f"no {content_type} part"
        return found.get_content()


@dataclass
class Relay:
    host: str
    port: int
    cert_file: Path
    received: list[Received] = field(default_factory=list)
    refused_logins: list[str] = field(default_factory=list)


class _Handler:
    def __init__(self, relay: Relay):
        self.relay = relay

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.relay.received.append(
            Received(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                message=message,  # type: ignore[arg-type]
                authenticated_as=session.auth_data.login.decode() if session.authenticated else None,
                over_tls=session.ssl is not None,
            )
        )
        return "250 Message accepted for delivery"


def _authenticator(relay: Relay):
    def authenticate(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            login, password = auth_data.login.decode(), auth_data.password.decode()
            if (login, password) == (RELAY_USER, RELAY_PASSWORD):
                return AuthResult(success=True, auth_data=auth_data)
            relay.refused_logins.append(login)
        return AuthResult(success=False, handled=False)

    return authenticate


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: a relay that is off."""
    return free_port()


@contextmanager
def relay_running(directory: Path, port: int | None = None) -> Iterator[Relay]:
    """A relay on 127.0.0.1 that requires STARTTLS, then RELAY_USER and RELAY_PASSWORD, before it takes a message."""
    cert_file, key_file = self_signed_certificate(directory)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    relay = Relay(host="127.0.0.1", port=port or free_port(), cert_file=cert_file)
    controller = Controller(
        _Handler(relay),
        hostname=relay.host,
        port=relay.port,
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=_authenticator(relay),
    )
    controller.start()
    try:
        yield relay
    finally:
        controller.stop()


@contextmanager
def silent_relay() -> Iterator[int]:
    """A port that accepts connections (the kernel completes them from the listen queue) and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_say_nothing() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept_and_say_nothing, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()
