"""The sealed token: how private words are encrypted, bound to their place, padded and keyed (docs/adr/0008).

A token is `pw1.` followed by url-safe base64 of: a 4-byte key id, a 12-byte random nonce, and the AES-256-GCM
ciphertext with its 16-byte tag. The associated data names the table, the column, the row's own random identity
(`sealed_id`) and the row's owner: a token copied into another row, another column or another person's row fails
its tag and does not open. The words are padded to one of BUCKETS before sealing, so a copy of the database shows
which of four sizes they are, not their length; there is no timestamp in the token.

Keys: each entry of PRIVATE_WORDS_KEYS (32 random bytes, url-safe base64: the Fernet key format) gives, through
HKDF-SHA256 with no salt, a 32-byte AES key (info "private words v1: aes-256-gcm") and a 4-byte key id (info
"private words v1: key id"). The first key seals; any key opens.

Tokens of the first format (Fernet: AES-128-CBC with HMAC-SHA256 and a timestamp, bound to nothing) still open with
MultiFernet over the same keys until `manage.py reseal_private_words` moves them to this format.
"""

from __future__ import annotations

import base64
import binascii
import os
import uuid
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEYS_VARIABLE = "PRIVATE_WORDS_KEYS"
PREFIX = "pw1."
KEY_ID_BYTES = 4
NONCE_BYTES = 12
TAG_BYTES = 16
# Padded sizes of the words in bytes of UTF-8 (plus one byte of padding marker): a line, a paragraph, a page, more.
# Words longer than the last bucket are padded to a multiple of it.
BUCKETS = (256, 1024, 4096, 16384)


class SealError(ImproperlyConfigured):
    """A sealed value that no key in PRIVATE_WORDS_KEYS opens: a wrong or missing key, never the person's fault."""


class Misplaced(Exception):
    """A token under a key we hold whose tag fails here: copied from another row or column, or altered."""


def unopenable(where: str = "") -> SealError:
    return SealError(
        f"A private entry{where} could not be opened with any key in {KEYS_VARIABLE}. The key it was sealed with is "
        f"missing or wrong: put that key back in {KEYS_VARIABLE} (newest first, comma-separated). "
        "See docs/deploy.md, 'Encryption keys'."
    )


@dataclass(frozen=True)
class _Key:
    key_id: bytes
    aead: AESGCM


def _derive(key: str, purpose: str, length: int) -> bytes:
    info = f"private words v1: {purpose}".encode()
    return HKDF(algorithm=SHA256(), length=length, salt=None, info=info).derive(base64.urlsafe_b64decode(key))


@lru_cache(maxsize=8)
def _keyring(keys: tuple[str, ...]) -> tuple[tuple[_Key, ...], MultiFernet]:
    derived = tuple(_Key(_derive(key, "key id", KEY_ID_BYTES), AESGCM(_derive(key, "aes-256-gcm", 32))) for key in keys)
    return derived, MultiFernet([Fernet(key) for key in keys])


def _keys() -> tuple[_Key, ...]:
    """Cached per key list, so changing the setting takes effect."""
    return _keyring(tuple(settings.PRIVATE_WORDS_KEYS))[0]


def _fernet() -> MultiFernet:
    return _keyring(tuple(settings.PRIVATE_WORDS_KEYS))[1]


def place(table: str, column: str, row: object, owner: object) -> bytes:
    """The associated data: where a token belongs. `row` is the row's sealed_id (a UUID, or its hex as a database
    returns it), `owner` the id in its owner column."""
    return "\0".join(["private-words", table, column, uuid.UUID(str(row)).hex, str(owner)]).encode()


def _pad(data: bytes) -> bytes:
    needed = len(data) + 1
    size = next((bucket for bucket in BUCKETS if bucket >= needed), -(-needed // BUCKETS[-1]) * BUCKETS[-1])
    return data + b"\x80" + b"\0" * (size - needed)


def _unpad(padded: bytes) -> bytes:
    data = padded.rstrip(b"\0")
    if not data.endswith(b"\x80"):
        raise ValueError("bad padding")
    return data[:-1]


def seal(text: str, where: bytes) -> str:
    """Seal words for one place under the newest key."""
    key = _keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    body = key.key_id + nonce + key.aead.encrypt(nonce, _pad(text.encode()), where)
    return PREFIX + base64.urlsafe_b64encode(body).decode("ascii")


def _split(token: str) -> tuple[bytes, bytes, bytes] | None:
    """(key id, nonce, ciphertext) of a token in this format; None for the first format."""
    if not token.startswith(PREFIX):
        return None
    try:
        body = base64.urlsafe_b64decode(token[len(PREFIX) :].encode("ascii"))
    except (binascii.Error, UnicodeError, ValueError):
        raise unopenable() from None
    if len(body) < KEY_ID_BYTES + NONCE_BYTES + TAG_BYTES:
        raise unopenable()
    return body[:KEY_ID_BYTES], body[KEY_ID_BYTES : KEY_ID_BYTES + NONCE_BYTES], body[KEY_ID_BYTES + NONCE_BYTES :]


def unseal(token: str, where: bytes) -> str:
    """The words, if `token` was sealed for this place. Misplaced if it was sealed under one of our keys for another
    place (or altered); SealError if none of our keys sealed it."""
    parts = _split(token)
    if parts is None:
        return fernet_unseal(token)
    key_id, nonce, ciphertext = parts
    key = next((k for k in _keys() if k.key_id == key_id), None)
    if key is None:
        raise unopenable()
    try:
        return _unpad(key.aead.decrypt(nonce, ciphertext, where)).decode()
    except (InvalidTag, ValueError, UnicodeError):
        raise Misplaced() from None


def is_current(token: str) -> bool:
    """Sealed in this format under the newest key: nothing for the reseal command to do."""
    parts = _split(token)
    return parts is not None and parts[0] == _keys()[0].key_id


def is_first_format(token: str) -> bool:
    return not token.startswith(PREFIX)


def has_its_key(token: str) -> bool:
    """Whether a key we hold sealed this token, for the start-up check (which cannot know every row's place)."""
    try:
        parts = _split(token)
        if parts is None:
            fernet_unseal(token)
            return True
    except SealError:
        return False
    return any(k.key_id == parts[0] for k in _keys())


# --- The first format, Fernet: read until resealed; written only by migration 0017 going back ----------------------


def fernet_seal(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode("ascii")


def fernet_unseal(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        raise unopenable() from None


def sealed_length(max_characters: int) -> int:
    """The longest token, in either format, for text of up to `max_characters` (4 bytes each in UTF-8, at worst)."""
    plain = 4 * max_characters
    fernet = 1 + 8 + 16 + (plain // 16 + 1) * 16 + 32  # version, time, IV, AES-CBC with padding, HMAC
    padded = len(_pad(b"x" * plain))
    bound = KEY_ID_BYTES + NONCE_BYTES + padded + TAG_BYTES
    return max(4 * -(-fernet // 3), len(PREFIX) + 4 * -(-bound // 3))
