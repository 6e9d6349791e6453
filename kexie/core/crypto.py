"""Field encryption with SM4-GCM (GB/T 32907) and keyed digests for lookups.

The key is KEXIE_FIELD_KEY (32 hex characters = 128 bits). Ciphertext is stored as
``sm4gcm:<base64(nonce || ciphertext || tag)>`` so the scheme can change later.
"""

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_PREFIX = "sm4gcm:"


def _key() -> bytes:
    try:
        key = bytes.fromhex(settings.FIELD_ENCRYPTION_KEY)
    except ValueError:
        key = b""
    if len(key) != 16:
        raise ImproperlyConfigured("KEXIE_FIELD_KEY must be 32 hexadecimal characters (a 128-bit SM4 key).")
    return key


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(_key()), modes.GCM(nonce)).encryptor()
    body = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
    return _PREFIX + base64.b64encode(nonce + body + encryptor.tag).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(_PREFIX):
        raise ValueError("unknown ciphertext format")
    raw = base64.b64decode(token[len(_PREFIX):])
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    decryptor = Cipher(algorithms.SM4(_key()), modes.GCM(nonce, tag)).decryptor()
    return (decryptor.update(body) + decryptor.finalize()).decode("utf-8")


def digest(value: str) -> str:
    """A keyed digest for equality lookups on encrypted values (no plaintext needed)."""
    if not value:
        return ""
    return hmac.new(_key(), value.encode("utf-8"), hashlib.sha256).hexdigest()
