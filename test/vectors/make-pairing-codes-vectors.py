#!/usr/bin/env python3
"""Writes pairing-codes.json: fingerprints, QR pairing proofs and codes, and approval commitments
and codes as client/crypto/pairing-codes.ts computes them (its header describes each).

Made with the pure-Python SHA-256 and HMAC-SHA256 of pure_crypto.py (checked against FIPS 180-2
and RFC 4231 on import), so nothing here shares code with node:crypto or OpenSSL.

Run from the repository root:  python3 test/vectors/make-pairing-codes-vectors.py   (standard library only)
"""

import base64
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from pure_crypto import ALICE_PRIVATE, BOB_PRIVATE, hmac_sha256, sha256, signed_public_key, x25519_public  # noqa: E402


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def digits(digest: bytes) -> str:
    value = f"{int.from_bytes(digest[:4], 'big') % 1_000_000:06d}"
    return f"{value[:3]} {value[3:]}"


def label(name: str) -> bytes:
    return f"privicore-vault/{name}\0".encode()


def id_bytes(device_id: str) -> bytes:
    return device_id.encode() + b"\0"


def fingerprint(profile: bytes) -> str:
    return b64url(sha256(label("profile-key-fingerprint/1") + profile)[:16])


cases = []
for name, profile_private, device_private, device_id, secret, device_nonce, owner_nonce in [
    (
        "profile Alice, device Bob",
        ALICE_PRIVATE,
        BOB_PRIVATE,
        "0193a5c3-7d1e-7c4a-9b2f-3e8d1a6c5f01",
        bytes(range(16)),
        bytes(range(0x20, 0x40)),
        bytes(range(0x40, 0x60)),
    ),
    (
        "profile Bob, device Alice",
        BOB_PRIVATE,
        ALICE_PRIVATE,
        "0193a5c3-0000-7000-8000-0000000000aa",
        b"\xff" * 16,
        b"\x00" * 32,
        b"\xff" * 32,
    ),
]:
    profile = x25519_public(profile_private)
    device = x25519_public(device_private)
    fp = fingerprint(profile)
    qr_input = id_bytes(device_id) + device + unb64url(fp)
    commitment = sha256(label("approval-commit/1") + id_bytes(device_id) + device + device_nonce)
    cases.append(
        {
            "name": name,
            "profileSignedPublicKey": signed_public_key(profile),
            "deviceSignedPublicKey": signed_public_key(device),
            "deviceIdentifier": device_id,
            "fingerprint": fp,
            "pairingSecret": b64url(secret),
            "pairingProof": b64url(hmac_sha256(secret, label("pairing-proof/1") + qr_input)),
            "pairingCode": digits(hmac_sha256(secret, label("pairing-code/1") + qr_input)),
            "deviceNonce": b64url(device_nonce),
            "ownerNonce": b64url(owner_nonce),
            "approvalCommitment": b64url(commitment),
            "profilePrivateKey": profile_private.hex(),
            "approvalOwnerNonce": b64url(hmac_sha256(profile_private, label("approval-nonce/1") + id_bytes(device_id) + commitment)),
            "approvalCode": digits(
                sha256(label("approval-code/1") + id_bytes(device_id) + device + profile + device_nonce + owner_nonce)
            ),
        }
    )

out = {
    "description": "Pairing fingerprints, proofs and verification codes (client/crypto/pairing-codes.ts). "
    "Made by make-pairing-codes-vectors.py with pure-Python SHA-256 and HMAC (pure_crypto.py).",
    "vectors": cases,
}
path = pathlib.Path(__file__).with_name("pairing-codes.json")
path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
print(f"wrote {path} ({len(cases)} vectors)")
