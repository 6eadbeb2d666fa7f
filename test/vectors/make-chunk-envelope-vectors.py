#!/usr/bin/env python3
"""Writes chunk-envelope.json: the engine-layer envelope of a stored chunk (engine/transfer/envelope.ts).

Published vectors: RFC 5869 appendix A.1 and A.3 (HKDF-SHA256, with and without salt and info),
copied by hand below; the script checks its HKDF against them before using it.

Our vectors: the envelope key derived from fixed seal keys, and envelopes
01 ‖ IV ‖ AES-256-GCM ciphertext ‖ tag with additional data "privicore-envelope/1/<itemId>/<index>"
under fixed IVs, sealed with pyca/cryptography's AESGCM. That library wraps OpenSSL, like
node:crypto, so these pin the layout (version byte, IV position, AAD text, key derivation) rather
than the cipher.

Run from the repository root:  python3 test/vectors/make-chunk-envelope-vectors.py
(needs: pip install cryptography — written with version 48.0.0)
"""

import json
import pathlib

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

RFC5869 = [
    {
        "name": "RFC 5869 A.1",
        "ikm": "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
        "salt": "000102030405060708090a0b0c",
        "info": "f0f1f2f3f4f5f6f7f8f9",
        "okm": "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    },
    {
        "name": "RFC 5869 A.3 (no salt, no info)",
        "ikm": "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
        "salt": "",
        "info": "",
        "okm": "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
    },
]


def hkdf(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt or None, info=info).derive(ikm)


for case in RFC5869:
    okm = bytes.fromhex(case["okm"])
    assert hkdf(bytes.fromhex(case["ikm"]), bytes.fromhex(case["salt"]), bytes.fromhex(case["info"]), len(okm)) == okm, case["name"]

INFO = b"privicore engine chunk envelope v1"

KEYS = [bytes(range(32)), bytes([0xFF] * 32)]

OURS = [
    ("one byte, first chunk", 0, "0193a5c3-0000-7000-8000-000000000001", 0, bytes(range(0xA0, 0xAC)), b"\x2a"),
    ("33 bytes, chunk 7", 0, "0193a5c3-0000-7000-8000-000000000002", 7, bytes(range(0xB0, 0xBC)), b"Privicore engine envelope vector!"),
    ("1000 bytes, chunk 123456", 1, "01a21a02-eb4e-7512-9f19-b2e454176dd1", 123456, bytes(range(0xC0, 0xCC)), bytes(i * 13 % 256 for i in range(1000))),
]

keys = [{"sealKey": key.hex(), "envelopeKey": hkdf(key, b"", INFO, 32).hex()} for key in KEYS]

vectors = []
for name, key_index, item_id, index, iv, chunk in OURS:
    envelope_key = bytes.fromhex(keys[key_index]["envelopeKey"])
    aad = f"privicore-envelope/1/{item_id}/{index}".encode()
    sealed = AESGCM(envelope_key).encrypt(iv, chunk, aad)
    vectors.append(
        {
            "name": name,
            "sealKey": keys[key_index]["sealKey"],
            "itemId": item_id,
            "index": index,
            "chunk": chunk.hex(),
            "envelope": (b"\x01" + iv + sealed).hex(),
        }
    )

out = {
    "description": "Engine-layer chunk envelopes: 01 ‖ IV(12) ‖ AES-256-GCM ciphertext ‖ tag(16), AAD "
    "'privicore-envelope/1/<itemId>/<index>', key HKDF-SHA256(sealKey, empty salt, 'privicore engine chunk envelope v1'). "
    "Made by make-chunk-envelope-vectors.py.",
    "keys": keys,
    "vectors": vectors,
}
path = pathlib.Path(__file__).with_name("chunk-envelope.json")
path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
print(f"wrote {path} ({len(vectors)} vectors)")
