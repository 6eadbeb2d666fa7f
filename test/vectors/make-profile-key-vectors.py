#!/usr/bin/env python3
"""Writes profile-key.json: X25519 keys in the Privicore signed public key format (contract §1.7).

Independent of node:crypto and OpenSSL on purpose: X25519 is computed by the RFC 7748 §5 ladder
below (pure Python, checked against the RFC's own vectors before anything is written) and the
digest by CPython's hashlib.blake2b, which carries the BLAKE2 reference code rather than OpenSSL.

Run from the repository root:  python3 test/vectors/make-profile-key-vectors.py
"""

import hashlib
import json
import pathlib

TAG = bytes([0x31, 0x42, 0x05, 0x00])
P = 2**255 - 19
A24 = 121665


def x25519(scalar: bytes, u: bytes) -> bytes:
    """RFC 7748 §5: decodeScalar25519, decodeUCoordinate, the Montgomery ladder, encodeUCoordinate."""
    k = bytearray(scalar)
    k[0] &= 248
    k[31] &= 127
    k[31] |= 64
    k_int = int.from_bytes(k, "little")
    x1 = int.from_bytes(u, "little") & ((1 << 255) - 1)
    x2, z2, x3, z3, swap = 1, 0, x1, 1, 0
    for t in reversed(range(255)):
        k_t = (k_int >> t) & 1
        swap ^= k_t
        if swap:
            x2, x3, z2, z3 = x3, x2, z3, z2
        swap = k_t
        a = (x2 + z2) % P
        aa = a * a % P
        b = (x2 - z2) % P
        bb = b * b % P
        e = (aa - bb) % P
        c = (x3 + z3) % P
        d = (x3 - z3) % P
        da = d * a % P
        cb = c * b % P
        x3 = (da + cb) ** 2 % P
        z3 = x1 * (da - cb) ** 2 % P
        x2 = aa * bb % P
        z2 = e * (aa + A24 * e) % P
    if swap:
        x2, z2 = x3, z3
    return (x2 * pow(z2, P - 2, P) % P).to_bytes(32, "little")


def public_key(private: bytes) -> bytes:
    return x25519(private, (9).to_bytes(32, "little"))


def signed(raw_public: bytes) -> str:
    body = TAG + raw_public
    return (body + hashlib.blake2b(body, digest_size=64).digest()).hex()


h = bytes.fromhex

# RFC 7748 §5.2, first vector: proves the ladder before it is trusted with anything else.
assert x25519(
    h("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
    h("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"),
) == h("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552")

# RFC 7748 §6.1, copied from the RFC; the public keys and shared secret are the RFC's, not ours.
RFC = {
    "alice": {
        "privateKey": "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
        "rawPublicKey": "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
    },
    "bob": {
        "privateKey": "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
        "rawPublicKey": "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
    },
    "sharedSecret": "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
}
for party in ("alice", "bob"):
    assert public_key(h(RFC[party]["privateKey"])).hex() == RFC[party]["rawPublicKey"]
assert x25519(h(RFC["alice"]["privateKey"]), h(RFC["bob"]["rawPublicKey"])).hex() == RFC["sharedSecret"]
assert x25519(h(RFC["bob"]["privateKey"]), h(RFC["alice"]["rawPublicKey"])).hex() == RFC["sharedSecret"]

valid = []
for name, private in [
    ("RFC 7748 §6.1 Alice", h(RFC["alice"]["privateKey"])),
    ("RFC 7748 §6.1 Bob", h(RFC["bob"]["privateKey"])),
    # Ours: scalars whose clamping (RFC 7748 §5) changes many bits, so a wrong clamp shows.
    ("all-zero scalar", bytes(32)),
    ("all-0xff scalar", b"\xff" * 32),
    ("bytes 00..1f", bytes(range(32))),
]:
    raw = public_key(private)
    valid.append({"name": name, "privateKey": private.hex(), "rawPublicKey": raw.hex(), "signedPublicKey": signed(raw)})

alice_signed = valid[0]["signedPublicKey"]


def flip(hex_text: str, nibble: int) -> str:
    """Changes one hex digit (so one to four bits of one byte)."""
    return hex_text[:nibble] + format(int(hex_text[nibble], 16) ^ 1, "x") + hex_text[nibble + 1 :]


invalid = [
    {"name": "one hex digit short", "signedPublicKey": alice_signed[:-1], "fails": "length"},
    {"name": "one byte short", "signedPublicKey": alice_signed[:-2], "fails": "length"},
    {"name": "one byte long", "signedPublicKey": alice_signed + "00", "fails": "length"},
    {"name": "bare raw public key", "signedPublicKey": valid[0]["rawPublicKey"], "fails": "length"},
    {"name": "non-hex character", "signedPublicKey": "g" + alice_signed[1:], "fails": "hex"},
    {"name": "tag byte 0 altered", "signedPublicKey": flip(alice_signed, 1), "fails": "tag"},
    {"name": "tag byte 3 altered", "signedPublicKey": flip(alice_signed, 7), "fails": "tag"},
    {"name": "public key bit flipped", "signedPublicKey": flip(alice_signed, 8 + 20), "fails": "digest"},
    {"name": "digest last bit flipped", "signedPublicKey": flip(alice_signed, 199), "fails": "digest"},
    {
        "name": "tag and key of Alice, digest of Bob",
        "signedPublicKey": alice_signed[:72] + valid[1]["signedPublicKey"][72:],
        "fails": "digest",
    },
]
for case in invalid:
    assert case["signedPublicKey"] != alice_signed

out = {
    "description": "X25519 keys in the Privicore signed public key format (contract §1.7). "
    "Made by make-profile-key-vectors.py: pure-Python RFC 7748 ladder and hashlib.blake2b(digest_size=64).",
    "rfc7748": RFC,
    "valid": valid,
    "invalid": invalid,
}
path = pathlib.Path(__file__).with_name("profile-key.json")
path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
print(f"wrote {path} ({len(valid)} valid, {len(invalid)} invalid)")
