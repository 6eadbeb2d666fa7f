#!/usr/bin/env python3
"""Writes gcm-stream.json: AES-256-GCM vectors laid out in the wire format IV ‖ ciphertext ‖ tag.

Published vectors: McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)" (revised
spec, 2005, as submitted to NIST), AES test cases 13, 14 and 15 — every AES-256 case there with a 96-bit IV and no AAD (the
wire format carries none; case 16 adds AAD, 17 and 18 use other IV lengths). They are copied below
by hand from the paper; nothing computes them.

Our vectors: fixed keys and IVs with plaintext lengths the published set lacks (one byte, a partial
last block, several blocks), sealed with pyca/cryptography's AESGCM. That library wraps OpenSSL,
like node:crypto, so these pin the wire layout rather than the cipher; the published cases do that.
The script first checks AESGCM against the published cases.

Run from the repository root:  python3 test/vectors/make-gcm-stream-vectors.py
(needs: pip install cryptography — written with version 48.0.0)
"""

import json
import pathlib

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PUBLISHED = [
    {
        "name": "McGrew-Viega test case 13 (empty plaintext)",
        "key": "0000000000000000000000000000000000000000000000000000000000000000",
        "iv": "000000000000000000000000",
        "plaintext": "",
        "ciphertext": "",
        "tag": "530f8afbc74536b9a963b4f1c4cb738b",
    },
    {
        "name": "McGrew-Viega test case 14 (one zero block)",
        "key": "0000000000000000000000000000000000000000000000000000000000000000",
        "iv": "000000000000000000000000",
        "plaintext": "00000000000000000000000000000000",
        "ciphertext": "cea7403d4d606b6e074ec5d3baf39d18",
        "tag": "d0d1c8a799996bf0265b98b5d48ab919",
    },
    {
        "name": "McGrew-Viega test case 15 (four blocks)",
        "key": "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
        "iv": "cafebabefacedbaddecaf888",
        "plaintext": "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
        "ciphertext": "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
        "tag": "b094dac5d93471bdec1a502270e3cc6c",
    },
]

OURS = [
    ("ours: one byte", bytes(range(32)), bytes(range(0xA0, 0xAC)), b"\x2a"),
    ("ours: 33 bytes (partial last block)", bytes(range(32, 64)), bytes(range(0xB0, 0xBC)), b"Privicore Vault gcm-stream vector"),
    ("ours: 300 bytes", bytes(range(64, 96)), bytes(range(0xC0, 0xCC)), bytes(i * 7 % 256 for i in range(300))),
]

vectors = []
for case in PUBLISHED:
    sealed = AESGCM(bytes.fromhex(case["key"])).encrypt(bytes.fromhex(case["iv"]), bytes.fromhex(case["plaintext"]), None)
    assert sealed.hex() == case["ciphertext"] + case["tag"], case["name"]
    vectors.append({**case, "source": "McGrew & Viega, The Galois/Counter Mode of Operation (GCM), 2005", "wire": case["iv"] + case["ciphertext"] + case["tag"]})

for name, key, iv, plaintext in OURS:
    sealed = AESGCM(key).encrypt(iv, plaintext, None)
    vectors.append(
        {
            "name": name,
            "key": key.hex(),
            "iv": iv.hex(),
            "plaintext": plaintext.hex(),
            "ciphertext": sealed[:-16].hex(),
            "tag": sealed[-16:].hex(),
            "source": "make-gcm-stream-vectors.py (pyca/cryptography AESGCM)",
            "wire": (iv + sealed).hex(),
        }
    )

out = {
    "description": "AES-256-GCM, no AAD, in the Privicore wire format IV(12) ‖ ciphertext ‖ tag(16) (contract §1.8). "
    "Made by make-gcm-stream-vectors.py.",
    "vectors": vectors,
}
path = pathlib.Path(__file__).with_name("gcm-stream.json")
path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
print(f"wrote {path} ({len(vectors)} vectors)")
