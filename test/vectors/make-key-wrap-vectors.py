#!/usr/bin/env python3
"""Writes key-wrap.json: data keys wrapped to an X25519 device key in the pkw1 format.

Built here from the published description — X25519 (RFC 7748), HKDF-SHA256 (RFC 5869),
AES-256-GCM — with pyca/cryptography, fixing the ephemeral key and IV that wrapDataKey draws at
random. The ephemeral key is RFC 7748 §6.1 Alice's and the recipient is Bob, so the X25519 step
must give the RFC's shared secret, which the script checks. pyca/cryptography wraps OpenSSL like
node:crypto; what this cross-checks is the construction: salt order, info, AAD, encoding.

Run from the repository root:  python3 test/vectors/make-key-wrap-vectors.py
(needs: pip install cryptography — written with version 48.0.0)
"""

import base64
import hashlib
import json
import pathlib

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

INFO = b"privicore-vault/data-key-wrap/1"
RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw

ALICE_PRIVATE = bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
BOB_PRIVATE = bytes.fromhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
RFC_SHARED = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed(raw_public: bytes) -> str:
    body = bytes([0x31, 0x42, 0x05, 0x00]) + raw_public
    return (body + hashlib.blake2b(body, digest_size=64).digest()).hex()


def wrap(data_key: bytes, ephemeral_private: bytes, recipient_private: bytes, iv: bytes) -> tuple[str, str]:
    ephemeral = X25519PrivateKey.from_private_bytes(ephemeral_private)
    recipient_public = X25519PrivateKey.from_private_bytes(recipient_private).public_key()
    e_raw = ephemeral.public_key().public_bytes(*RAW)
    r_raw = recipient_public.public_bytes(*RAW)
    shared = ephemeral.exchange(recipient_public)
    kek = HKDF(algorithm=hashes.SHA256(), length=32, salt=e_raw + r_raw, info=INFO).derive(shared)
    sealed = AESGCM(kek).encrypt(iv, data_key, INFO)
    return shared.hex(), ".".join(["pkw1", b64url(e_raw), b64url(iv), b64url(sealed)])


vectors = []
for name, data_key, ephemeral, recipient, iv in [
    ("RFC 7748 Alice → Bob, data key 00..1f", bytes(range(32)), ALICE_PRIVATE, BOB_PRIVATE, bytes(range(12))),
    ("RFC 7748 Bob → Alice, data key of 0xa5", b"\xa5" * 32, BOB_PRIVATE, ALICE_PRIVATE, b"\xff" * 12),
]:
    shared, wrapped = wrap(data_key, ephemeral, recipient, iv)
    assert shared == RFC_SHARED
    recipient_public = X25519PrivateKey.from_private_bytes(recipient).public_key().public_bytes(*RAW)
    vectors.append(
        {
            "name": name,
            "dataKey": data_key.hex(),
            "ephemeralPrivateKey": ephemeral.hex(),
            "iv": iv.hex(),
            "recipientPrivateKey": recipient.hex(),
            "recipientSignedPublicKey": signed(recipient_public),
            "wrapped": wrapped,
        }
    )

out = {
    "description": "Data keys wrapped in the pkw1 format: X25519 → HKDF-SHA256 (salt = ephemeral ‖ recipient public key, "
    "info = privicore-vault/data-key-wrap/1) → AES-256-GCM (AAD = info). Made by make-key-wrap-vectors.py.",
    "vectors": vectors,
}
path = pathlib.Path(__file__).with_name("key-wrap.json")
path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
print(f"wrote {path} ({len(vectors)} vectors)")
