"""The web addresses in the settings (OIDC_ISSUER, OIDC_DISCOVERY_URL, SITE_URL), parsed rather than prefix-matched.

A prefix match let `http://localhost.evil.example` pass as this machine, and `https://localhost@evil.example`
names evil.example whatever it starts with. Read by the settings at start-up and by the deployment check
(assessments/checks.py), so both apply the same rule. Imports nothing from the app: the settings read it.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import SplitResult, urlsplit


def parts(value: str) -> SplitResult | None:
    """The address split into its parts, or None unless it is an absolute http or https address with a host name
    and nothing else before it (no user name or password) and, if given, a port that is a number."""
    try:
        split = urlsplit(value)
        split.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        return None
    if split.scheme not in {"http", "https"} or not split.hostname or split.username is not None:
        return None
    return split


def on_this_machine(value: str) -> bool:
    """Whether the address's host is this machine: `localhost` or a loopback IP address (127.0.0.0/8, ::1)."""
    split = parts(value)
    if split is None:
        return False
    if split.hostname == "localhost":  # urlsplit lower-cases the host name
        return True
    if split.hostname is None:
        return False
    try:
        return ipaddress.ip_address(split.hostname).is_loopback
    except ValueError:
        return False


def https_or_on_this_machine(value: str) -> bool:
    """https anywhere, or plain http to this machine (a provider or a site on 127.0.0.1 for a try-out or a test)."""
    split = parts(value)
    return split is not None and (split.scheme == "https" or on_this_machine(value))
