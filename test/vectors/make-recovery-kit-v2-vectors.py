#!/usr/bin/env python3
"""Writes recovery-kit-v2.json: recovery kit files, format version 2, sealed outside Node.

Each kit is built here from the format's description (the header of client/crypto/recovery-kit.ts)
with the pure-Python scrypt and AES-256-GCM of pure_crypto.py, checked against RFC 7914 §12 and
McGrew & Viega on import, plus RFC 7914 §12's second scrypt vector (N=1024, r=8, p=16) below —
so nothing here shares code with node:crypto or OpenSSL. Salts and IVs are fixed.

Slow on purpose of the format: scrypt at N=2^17 in pure Python takes minutes per kit.

Run from the repository root:  python3 test/vectors/make-recovery-kit-v2-vectors.py   (standard library only)
"""

import base64
import json
import pathlib
import sys
import unicodedata

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from pure_crypto import aes256_gcm_encrypt, scrypt  # noqa: E402

AAD = b"privicore-vault-recovery-kit/2"
N, R, P = 131072, 8, 1

# RFC 7914 §12, second vector: exercises r > 1 and p > 1 of the pure-Python scrypt.
assert scrypt(b"password", b"NaCl", 1024, 8, 16, 64) == bytes.fromhex(
    "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
    "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
)


def seal(contents: dict, passphrase: str, salt: bytes, iv: bytes, created_at: str) -> str:
    key = scrypt(unicodedata.normalize("NFC", passphrase).encode("utf-8"), salt, N, R, P, 32)
    plaintext = json.dumps(contents, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    sealed = aes256_gcm_encrypt(key, iv, plaintext, AAD)
    kit = {
        "format": "privicore-vault-recovery-kit",
        "version": 2,
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
        "salt": bytes(range(0x30, 0x40)),
        "iv": bytes(range(0x40, 0x4C)),
        "createdAt": "2026-12-01T10:00:00.000Z",
    },
    {
        # Typed with a combining accent (NFD); the kit is sealed under its NFC form, so both open it.
        "name": "non-ASCII passphrase given in NFD",
        "passphrase": unicodedata.normalize("NFD", "Café crème, s'il vous plaît, encore"),
        "contents": {
            "profileId": "0193a5c3-0000-7000-8000-000000000002",
            "username": "Zoë Ångström",
            "dataKey": (b"\x5a" * 32).hex(),
            "privateKey": "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
        },
        "salt": b"\xff" * 16,
        "iv": b"\x00" * 12,
        "createdAt": "2026-12-01T11:00:00.000Z",
    },
]

vectors = []
for case in CASES:
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
    print(f"sealed {case['name']}", flush=True)

out = {
    "description": "Privicore Vault recovery kits, version 2 (scrypt N=131072 r=8 p=1 → AES-256-GCM). "
    "Made by make-recovery-kit-v2-vectors.py with pure-Python scrypt and AES-GCM (pure_crypto.py).",
    "vectors": vectors,
}
path = pathlib.Path(__file__).with_name("recovery-kit-v2.json")
path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
print(f"wrote {path} ({len(vectors)} kits)")
