"""Pure-Python primitives for the vector scripts, independent of OpenSSL (which node:crypto uses).

Each primitive is written here from its specification and checked, when this module is imported,
against published vectors copied by hand from the specification:
  SHA-256      CPython's built-in _sha256 module (its own C code, not OpenSSL's; hashlib.sha256 is
               OpenSSL's in a build that has it) — FIPS 180-2 appendix B.1 ("abc")
  HMAC-SHA256  RFC 2104, over that SHA-256 — RFC 4231 test cases 1 and 2
  HKDF-SHA256  RFC 5869 — appendix A.1 and A.3
  X25519       RFC 7748 §5 Montgomery ladder — §5.2 first vector and §6.1
  AES-256      FIPS-197 — appendix C.3
  AES-256-GCM  NIST SP 800-38D — McGrew & Viega test cases 13, 14, 15 and 16 (16 has AAD)
  PBKDF2       RFC 8018 with HMAC-SHA256 — RFC 7914 §11
  scrypt       RFC 7914 (Salsa20/8, BlockMix, ROMix) — RFC 7914 §12, first two vectors
Slow, and meant only for making vectors.
"""

import _sha256
import struct

# ---------------------------------------------------------------------------------------- SHA-256


def sha256(data: bytes) -> bytes:
    return _sha256.sha256(data).digest()


# ----------------------------------------------------------------------------------- HMAC, HKDF


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    if len(key) > 64:
        key = sha256(key)
    key = key.ljust(64, b"\0")
    inner = bytes(k ^ 0x36 for k in key)
    outer = bytes(k ^ 0x5C for k in key)
    return sha256(outer + sha256(inner + message))


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    prk = hmac_sha256(salt if salt else b"\0" * 32, ikm)
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac_sha256(prk, block + info + bytes([counter]))
        out += block
        counter += 1
    return out[:length]


def pbkdf2_sha256(password: bytes, salt: bytes, iterations: int, length: int) -> bytes:
    out = b""
    index = 1
    while len(out) < length:
        u = hmac_sha256(password, salt + struct.pack(">I", index))
        t = bytearray(u)
        for _ in range(iterations - 1):
            u = hmac_sha256(password, u)
            for i in range(32):
                t[i] ^= u[i]
        out += bytes(t)
        index += 1
    return out[:length]


# ----------------------------------------------------------------------------------------- X25519

P25519 = 2**255 - 19


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
        a = (x2 + z2) % P25519
        aa = a * a % P25519
        b = (x2 - z2) % P25519
        bb = b * b % P25519
        e = (aa - bb) % P25519
        c = (x3 + z3) % P25519
        d = (x3 - z3) % P25519
        da = d * a % P25519
        cb = c * b % P25519
        x3 = (da + cb) ** 2 % P25519
        z3 = x1 * (da - cb) ** 2 % P25519
        x2 = aa * bb % P25519
        z2 = e * (aa + 121665 * e) % P25519
    if swap:
        x2, z2 = x3, z3
    return (x2 * pow(z2, P25519 - 2, P25519) % P25519).to_bytes(32, "little")


def x25519_public(private: bytes) -> bytes:
    return x25519(private, (9).to_bytes(32, "little"))


def signed_public_key(raw_public: bytes) -> str:
    """Contract §1.7: tag 31 42 05 00, the raw key, BLAKE2b-512 of those 36 bytes (hashlib's
    BLAKE2 is CPython's bundled reference code)."""
    import hashlib

    body = bytes([0x31, 0x42, 0x05, 0x00]) + raw_public
    return (body + hashlib.blake2b(body, digest_size=64).digest()).hex()


# ---------------------------------------------------------------------------------------- AES-256


def _xtime(a: int) -> int:
    a <<= 1
    return (a ^ 0x1B) & 0xFF if a & 0x100 else a


def _gf_mul(a: int, b: int) -> int:
    result = 0
    while b:
        if b & 1:
            result ^= a
        a = _xtime(a)
        b >>= 1
    return result


def _make_sbox() -> list[int]:
    sbox = [0] * 256
    for x in range(256):
        inverse = 0 if x == 0 else next(y for y in range(1, 256) if _gf_mul(x, y) == 1)
        s = inverse
        for shift in range(1, 5):
            s ^= ((inverse << shift) | (inverse >> (8 - shift))) & 0xFF
        sbox[x] = s ^ 0x63
    return sbox


SBOX = _make_sbox()


def _expand_key(key: bytes) -> list[list[int]]:
    assert len(key) == 32
    words = [list(key[i : i + 4]) for i in range(0, 32, 4)]
    rcon = 1
    for i in range(8, 60):
        temp = list(words[i - 1])
        if i % 8 == 0:
            temp = temp[1:] + temp[:1]
            temp = [SBOX[b] for b in temp]
            temp[0] ^= rcon
            rcon = _xtime(rcon)
        elif i % 8 == 4:
            temp = [SBOX[b] for b in temp]
        words.append([words[i - 8][j] ^ temp[j] for j in range(4)])
    return [sum(words[r * 4 : r * 4 + 4], []) for r in range(15)]


def aes256_encrypt_block(round_keys: list[list[int]], block: bytes) -> bytes:
    state = [block[i] ^ round_keys[0][i] for i in range(16)]
    for rnd in range(1, 15):
        state = [SBOX[b] for b in state]
        # ShiftRows: state is column-major (byte i is row i % 4 of column i // 4).
        state = [state[(i + 4 * (i % 4)) % 16] for i in range(16)]
        if rnd != 14:
            mixed = []
            for c in range(4):
                a = state[4 * c : 4 * c + 4]
                mixed += [
                    _xtime(a[0]) ^ (_xtime(a[1]) ^ a[1]) ^ a[2] ^ a[3],
                    a[0] ^ _xtime(a[1]) ^ (_xtime(a[2]) ^ a[2]) ^ a[3],
                    a[0] ^ a[1] ^ _xtime(a[2]) ^ (_xtime(a[3]) ^ a[3]),
                    (_xtime(a[0]) ^ a[0]) ^ a[1] ^ a[2] ^ _xtime(a[3]),
                ]
            state = mixed
        state = [state[i] ^ round_keys[rnd][i] for i in range(16)]
    return bytes(state)


# ------------------------------------------------------------------------------------ AES-256-GCM


def _gf128_mul(x: int, y: int) -> int:
    r = 0xE1 << 120
    z = 0
    for i in range(127, -1, -1):
        if (y >> i) & 1:
            z ^= x
        x = (x >> 1) ^ r if x & 1 else x >> 1
    return z


def _ghash(h: int, aad: bytes, ciphertext: bytes) -> int:
    def blocks(data: bytes):
        for i in range(0, len(data), 16):
            yield data[i : i + 16].ljust(16, b"\0")

    y = 0
    for block in list(blocks(aad)) + list(blocks(ciphertext)):
        y = _gf128_mul(y ^ int.from_bytes(block, "big"), h)
    lengths = struct.pack(">QQ", len(aad) * 8, len(ciphertext) * 8)
    return _gf128_mul(y ^ int.from_bytes(lengths, "big"), h)


def aes256_gcm_encrypt(key: bytes, iv: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Returns ciphertext ‖ 16-byte tag (96-bit IV only)."""
    assert len(iv) == 12
    keys = _expand_key(key)
    h = int.from_bytes(aes256_encrypt_block(keys, b"\0" * 16), "big")
    out = bytearray()
    for index in range(0, len(plaintext), 16):
        counter = iv + struct.pack(">I", 2 + index // 16)
        stream = aes256_encrypt_block(keys, counter)
        chunk = plaintext[index : index + 16]
        out += bytes(a ^ b for a, b in zip(chunk, stream))
    s = _ghash(h, aad, bytes(out))
    tag = int.from_bytes(aes256_encrypt_block(keys, iv + struct.pack(">I", 1)), "big") ^ s
    return bytes(out) + tag.to_bytes(16, "big")


# ----------------------------------------------------------------------------------------- scrypt


def _salsa20_8(b: list[int]) -> list[int]:
    x = list(b)

    def r(a: int, n: int) -> int:
        return ((a << n) | (a >> (32 - n))) & 0xFFFFFFFF

    for _ in range(4):
        x[4] ^= r((x[0] + x[12]) & 0xFFFFFFFF, 7)
        x[8] ^= r((x[4] + x[0]) & 0xFFFFFFFF, 9)
        x[12] ^= r((x[8] + x[4]) & 0xFFFFFFFF, 13)
        x[0] ^= r((x[12] + x[8]) & 0xFFFFFFFF, 18)
        x[9] ^= r((x[5] + x[1]) & 0xFFFFFFFF, 7)
        x[13] ^= r((x[9] + x[5]) & 0xFFFFFFFF, 9)
        x[1] ^= r((x[13] + x[9]) & 0xFFFFFFFF, 13)
        x[5] ^= r((x[1] + x[13]) & 0xFFFFFFFF, 18)
        x[14] ^= r((x[10] + x[6]) & 0xFFFFFFFF, 7)
        x[2] ^= r((x[14] + x[10]) & 0xFFFFFFFF, 9)
        x[6] ^= r((x[2] + x[14]) & 0xFFFFFFFF, 13)
        x[10] ^= r((x[6] + x[2]) & 0xFFFFFFFF, 18)
        x[3] ^= r((x[15] + x[11]) & 0xFFFFFFFF, 7)
        x[7] ^= r((x[3] + x[15]) & 0xFFFFFFFF, 9)
        x[11] ^= r((x[7] + x[3]) & 0xFFFFFFFF, 13)
        x[15] ^= r((x[11] + x[7]) & 0xFFFFFFFF, 18)
        x[1] ^= r((x[0] + x[3]) & 0xFFFFFFFF, 7)
        x[2] ^= r((x[1] + x[0]) & 0xFFFFFFFF, 9)
        x[3] ^= r((x[2] + x[1]) & 0xFFFFFFFF, 13)
        x[0] ^= r((x[3] + x[2]) & 0xFFFFFFFF, 18)
        x[6] ^= r((x[5] + x[4]) & 0xFFFFFFFF, 7)
        x[7] ^= r((x[6] + x[5]) & 0xFFFFFFFF, 9)
        x[4] ^= r((x[7] + x[6]) & 0xFFFFFFFF, 13)
        x[5] ^= r((x[4] + x[7]) & 0xFFFFFFFF, 18)
        x[11] ^= r((x[10] + x[9]) & 0xFFFFFFFF, 7)
        x[8] ^= r((x[11] + x[10]) & 0xFFFFFFFF, 9)
        x[9] ^= r((x[8] + x[11]) & 0xFFFFFFFF, 13)
        x[10] ^= r((x[9] + x[8]) & 0xFFFFFFFF, 18)
        x[12] ^= r((x[15] + x[14]) & 0xFFFFFFFF, 7)
        x[13] ^= r((x[12] + x[15]) & 0xFFFFFFFF, 9)
        x[14] ^= r((x[13] + x[12]) & 0xFFFFFFFF, 13)
        x[15] ^= r((x[14] + x[13]) & 0xFFFFFFFF, 18)
    return [(x[i] + b[i]) & 0xFFFFFFFF for i in range(16)]


def _block_mix(blocks: list[list[int]]) -> list[list[int]]:
    x = blocks[-1]
    out = []
    for block in blocks:
        x = _salsa20_8([a ^ b for a, b in zip(x, block)])
        out.append(x)
    return out[0::2] + out[1::2]


def _ro_mix(data: bytes, r: int, n: int) -> bytes:
    fmt = f"<{32 * r}I"
    words = list(struct.unpack(fmt, data))
    x = [words[i : i + 16] for i in range(0, 32 * r, 16)]
    # V is kept packed (128·r bytes per entry): as Python lists it would take gigabytes at N = 2^17.
    v = []
    for _ in range(n):
        v.append(struct.pack(fmt, *[w for block in x for w in block]))
        x = _block_mix(x)
    for _ in range(n):
        j = x[-1][0] & (n - 1)
        vj = struct.unpack(fmt, v[j])
        flat = [a ^ b for a, b in zip((w for block in x for w in block), vj)]
        x = _block_mix([flat[i : i + 16] for i in range(0, 32 * r, 16)])
    return struct.pack(fmt, *[w for block in x for w in block])


def scrypt(password: bytes, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    b = pbkdf2_sha256(password, salt, 1, p * 128 * r)
    mixed = b"".join(_ro_mix(b[i * 128 * r : (i + 1) * 128 * r], r, n) for i in range(p))
    return pbkdf2_sha256(password, mixed, 1, length)


# ------------------------------------------------------------------------------ published vectors

h = bytes.fromhex

assert sha256(b"abc") == h("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
assert hmac_sha256(b"\x0b" * 20, b"Hi There") == h(
    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
)
assert hmac_sha256(b"Jefe", b"what do ya want for nothing?") == h(
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
)
assert hkdf_sha256(b"\x0b" * 22, h("000102030405060708090a0b0c"), h("f0f1f2f3f4f5f6f7f8f9"), 42) == h(
    "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
)
assert hkdf_sha256(b"\x0b" * 22, b"", b"", 42) == h(
    "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
)
assert x25519(
    h("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
    h("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"),
) == h("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552")
ALICE_PRIVATE = h("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
BOB_PRIVATE = h("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
assert x25519_public(ALICE_PRIVATE) == h("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
assert x25519_public(BOB_PRIVATE) == h("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
assert x25519(ALICE_PRIVATE, x25519_public(BOB_PRIVATE)) == h(
    "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
)
assert aes256_encrypt_block(_expand_key(bytes(range(32))), h("00112233445566778899aabbccddeeff")) == h(
    "8ea2b7ca516745bfeafc49904b496089"
)
assert aes256_gcm_encrypt(bytes(32), bytes(12), b"", b"") == h("530f8afbc74536b9a963b4f1c4cb738b")
assert aes256_gcm_encrypt(bytes(32), bytes(12), bytes(16), b"") == h(
    "cea7403d4d606b6e074ec5d3baf39d18" "d0d1c8a799996bf0265b98b5d48ab919"
)
_MV_KEY = h("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
_MV_IV = h("cafebabefacedbaddecaf888")
_MV_PLAIN = h(
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
)
assert aes256_gcm_encrypt(_MV_KEY, _MV_IV, _MV_PLAIN, b"") == h(
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"
    "b094dac5d93471bdec1a502270e3cc6c"
)
assert aes256_gcm_encrypt(_MV_KEY, _MV_IV, _MV_PLAIN[:60], h("feedfacedeadbeeffeedfacedeadbeefabaddad2")) == h(
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
    "76fc6ece0f4e1768cddf8853bb2d551b"
)
assert pbkdf2_sha256(b"passwd", b"salt", 1, 64) == h(
    "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
    "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
)
assert scrypt(b"", b"", 16, 1, 1, 64) == h(
    "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
    "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"
)
