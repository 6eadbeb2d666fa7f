#!/usr/bin/env python3
"""Writes key-wrap.json: the profile's keys wrapped to a device key in the pkw2 format.

Built here from the format's description (the header of client/crypto/key-wrap.ts) with the
pure-Python primitives of pure_crypto.py — X25519, HKDF-SHA256, HMAC-SHA256 and AES-256-GCM,
each checked against its published vectors on import — so nothing here shares code with
node:crypto or OpenSSL. The ephemeral key and IV that wrapDataKey draws at random are fixed.
The profile and device keys are RFC 7748 §6.1 Alice's and Bob's.

Run from the repository root:  python3 test/vectors/make-key-wrap-vectors.py   (standard library only)
"""

import base64
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from pure_crypto import (  # noqa: E402
    ALICE_PRIVATE,
    BOB_PRIVATE,
    aes256_gcm_encrypt,
    hkdf_sha256,
    hmac_sha256,
    sha256,
    signed_public_key,
    x25519,
    x25519_public,
)

INFO = b"privicore-vault/data-key-wrap/2"
KCV_LABEL = b"privicore-vault/data-key-check/1"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def fingerprint(raw_profile_public: bytes) -> str:
    return b64url(sha256(b"privicore-vault/profile-key-fingerprint/1\0" + raw_profile_public)[:16])


def wrap(data_key: bytes, profile_private: bytes, ephemeral_private: bytes, recipient_public: bytes, iv: bytes) -> dict:
    profile_public = x25519_public(profile_private)
    ephemeral_public = x25519_public(ephemeral_private)
    ikm = x25519(ephemeral_private, recipient_public) + x25519(profile_private, recipient_public)
    kek = hkdf_sha256(ikm, ephemeral_public + recipient_public + profile_public, INFO, 32)
    kcv = hmac_sha256(data_key, KCV_LABEL)[:16]
    sealed = aes256_gcm_encrypt(kek, iv, data_key + profile_private, INFO + kcv)
    wrapped = ".".join(["pkw2"] + [b64url(part) for part in (profile_public, ephemeral_public, kcv, iv, sealed)])
    return {"kek": kek.hex(), "keyCheckValue": kcv.hex(), "wrapped": wrapped}


EPHEMERAL_1 = bytes(range(0x40, 0x60))
EPHEMERAL_2 = bytes(range(0x60, 0x80))

vectors = []
for name, data_key, profile, ephemeral, recipient, iv in [
    ("profile Alice → device Bob, data key 00..1f", bytes(range(32)), ALICE_PRIVATE, EPHEMERAL_1, BOB_PRIVATE, bytes(range(12))),
    ("profile Bob → device Alice, data key of 0xa5", b"\xa5" * 32, BOB_PRIVATE, EPHEMERAL_2, ALICE_PRIVATE, b"\xff" * 12),
]:
    recipient_public = x25519_public(recipient)
    profile_public = x25519_public(profile)
    made = wrap(data_key, profile, ephemeral, recipient_public, iv)
    vectors.append(
        {
            "name": name,
            "dataKey": data_key.hex(),
            "profilePrivateKey": profile.hex(),
            "profileSignedPublicKey": signed_public_key(profile_public),
            "profileKeyFingerprint": fingerprint(profile_public),
            "ephemeralPrivateKey": ephemeral.hex(),
            "iv": iv.hex(),
            "recipientPrivateKey": recipient.hex(),
            "recipientSignedPublicKey": signed_public_key(recipient_public),
            **made,
        }
    )

out = {
    "description": "The profile's keys wrapped in the pkw2 format (client/crypto/key-wrap.ts): X25519(e, R) ‖ X25519(s, R) "
    "→ HKDF-SHA256 (salt = E ‖ R ‖ S, info = privicore-vault/data-key-wrap/2) → AES-256-GCM (AAD = info ‖ kcv) over "
    "data key ‖ profile private key. Made by make-key-wrap-vectors.py with pure-Python primitives (pure_crypto.py).",
    "vectors": vectors,
}
path = pathlib.Path(__file__).with_name("key-wrap.json")
path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
print(f"wrote {path} ({len(vectors)} vectors)")
