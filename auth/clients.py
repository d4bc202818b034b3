"""Machine clients' secrets: made once, shown once, stored only as a salted scrypt hash."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

__all__ = ["hash_secret", "new_client_id", "new_secret", "verify_secret"]

# scrypt's interactive-login parameters (16 MiB, ~50 ms). The secrets are 256 random bits, so the
# hash mostly guards against a leaked table being replayed, not against guessing.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
SCHEME = "scrypt"
# Stored parameters are only trusted up to these bounds: a tampered row must not exhaust memory.
MAX_N = 2**17
MAX_MEMORY = 256 * 1024 * 1024

# Checked against when no client matches, so an unknown client id costs as much as a wrong secret.
_DECOY_HASH = f"{SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${'A' * 22}${'A' * 43}"


def new_client_id() -> str:
    """A random, URL-safe client identifier (not a secret). It never starts with "-": an
    identifier is typed on command lines (`accord client revoke ID`), where that is an option."""
    return "c" + secrets.token_urlsafe(16)


def new_secret() -> str:
    """A high-entropy client secret: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """`scrypt$n$r$p$salt$hash`, with a fresh random salt; the parameters travel with the hash."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join([SCHEME, str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)])


def verify_secret(secret: str, stored: str | None) -> bool:
    """True when `secret` hashes to `stored`; `None` (no such client) does the same work, False."""
    try:
        scheme, n, r, p, salt, digest = (stored or _DECOY_HASH).split("$")
        n_, r_, p_ = int(n), int(r), int(p)
        expected = _unb64(digest)
        if scheme != SCHEME or not 1 < n_ <= MAX_N or r_ < 1 or p_ < 1:
            return False
        actual = _scrypt(secret, _unb64(salt), n_, r_, p_)
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected) and stored is not None


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        secret.encode(), salt=salt, n=n, r=r, p=p, maxmem=MAX_MEMORY, dklen=HASH_BYTES
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
