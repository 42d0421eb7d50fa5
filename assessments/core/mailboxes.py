"""Which mailbox an email address reaches: one mailbox, one person.

`lena+1@trust.nhs.uk` and `Lena@Trust.nhs.uk` both land in Lena's inbox, so to the app they are one person. An
address is compared by its mailbox: the part of the local part after a `+` dropped (plus addressing, as in
Microsoft 365 and NHSmail), and A to Z lower-cased. Only A to Z: Unicode case mapping would make other characters
collide with letters (the Kelvin sign lower-cases to `k`), and the decision must not depend on the database's idea
of case either (SQLite folds only A to Z, PostgreSQL all of Unicode).
"""

from __future__ import annotations

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """`text` with A to Z lower-cased and every other character as it was."""
    return text.translate(_ASCII_LOWER)


def mailbox(address: str) -> str:
    """The mailbox `address` reaches: `Lena+1@Trust.nhs.uk` is `lena@trust.nhs.uk`.

    Text without an `@` is not an address: it comes back stripped and lower-cased, tag and all, so it never
    equals an address's mailbox.
    """
    address = ascii_lower(address.strip())
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    return f"{local.partition('+')[0]}@{domain}"
