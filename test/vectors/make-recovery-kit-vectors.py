#!/usr/bin/env python3
"""Writes recovery-kit.json: recovery kit files (format version 1) sealed outside Node.

Each kit is built here from its parts — hashlib.scrypt (RFC 7914) for the key, pyca/cryptography's
AESGCM for the seal — with fixed salts and IVs, so the test proves that openRecoveryKit reads a
kit made only from the published description of the format. Both libraries wrap OpenSSL, as
node:crypto does; what this cross-checks is the layout: JSON fields, base64, AAD, NFC, key order.

Run from the repository root:  python3 test/vectors/make-recovery-kit-vectors.py
(needs: pip install cryptography — written with version 48.0.0)
"""

import base64
import hashlib
import json
import pathlib
import unicodedata

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

AAD = b"privicore-vault-recovery-kit/1"
N, R, P = 32768, 8, 1


def seal(contents: dict, passphrase: str, salt: bytes, iv: bytes, created_at: str) -> str:
    key = hashlib.scrypt(
        unicodedata.normalize("NFC", passphrase).encode("utf-8"), salt=salt, n=N, r=R, p=P, maxmem=2 * 128 * N * R, dklen=32
    )
    plaintext = json.dumps(contents, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    sealed = AESGCM(key).encrypt(iv, plaintext, AAD)
    kit = {
        "format": "privicore-vault-recovery-kit",
        "version": 1,
        "kdf": {"name": "scrypt", "N": N, "r": R, "p": P, "salt": base64.b64encode(salt).decode()},
        "cipher": {"name": "aes-256-gcm", "iv": base64.b64encode(iv).decode()},
        "ciphertext": base64.b64encode(sealed).decode(),
        "createdAt": created_at,
    }
    return json.dumps(kit, indent=2) + "\n"


CASES = [
    {
        "name": "ASCII passphrase",
        "passphrase": "correct horse battery staple",
        "contents": {
            "profileId": "0193a5c3-7d1e-7c4a-9b2f-3e8d1a6c5f01",
            "username": "alice@example.com",
            "dataKey": bytes(range(32)).hex(),
            # RFC 7748 §6.1 Alice's private key, so the kit holds a key with a known public half.
            "privateKey": "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
        },
        "salt": bytes(range(0x10, 0x20)),
        "iv": bytes(range(0x20, 0x2C)),
        "createdAt": "2026-11-26T21:40:00.000Z",
    },
    {
        # Typed with a combining accent (NFD); the kit is sealed under its NFC form, so both open it.
        "name": "non-ASCII passphrase given in NFD",
        "passphrase": unicodedata.normalize("NFD", "Café crème, s'il vous plaît"),
        "contents": {
            "profileId": "0193a5c3-0000-7000-8000-000000000002",
            "username": "Zoë Ångström",
            "dataKey": (b"\xa5" * 32).hex(),
            "privateKey": "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
        },
        "salt": b"\x00" * 16,
        "iv": b"\xff" * 12,
        "createdAt": "2026-11-27T08:00:00.000Z",
    },
]

vectors = []
for case in CASES:
    # The NFD case tests something only if its passphrase really differs from its NFC form.
    if not case["passphrase"].isascii():
        assert case["passphrase"] != unicodedata.normalize("NFC", case["passphrase"])
    vectors.append(
        {
            "name": case["name"],
            "passphrase": case["passphrase"],
            "contents": case["contents"],
            "kit": seal(case["contents"], case["passphrase"], case["salt"], case["iv"], case["createdAt"]),
        }
    )

out = {
    "description": "Privicore Vault recovery kits, version 1 (scrypt N=32768 r=8 p=1 → AES-256-GCM). "
    "Made by make-recovery-kit-vectors.py with hashlib.scrypt and pyca/cryptography AESGCM.",
    "vectors": vectors,
}
path = pathlib.Path(__file__).with_name("recovery-kit.json")
path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
print(f"wrote {path} ({len(vectors)} kits)")
