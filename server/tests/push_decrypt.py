"""Decrypts a Web Push body (RFC 8291, aes128gcm) with an implementation that shares no code
with Linli's: Mozilla's `http_ece` over pyca `cryptography`. Run by server/tests/push.rs.

stdin: JSON {"body", "private_key", "auth"}, each base64url: the captured request body, the
subscription's private scalar d (32 octets) and its auth secret. stdout: the plaintext in
base64url. Exits non-zero with the reason on stderr when the body does not decrypt.
"""

import base64
import json
import sys

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec


def b64(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def main():
    given = json.load(sys.stdin)
    body = b64(given["body"])
    d = int.from_bytes(b64(given["private_key"]), "big")
    private_key = ec.derive_private_key(d, ec.SECP256R1())
    # RFC 8291 section 4: one record, record size 4096, the sender's key as a 65-octet key id.
    rs = int.from_bytes(body[16:20], "big")
    idlen = body[20]
    if rs != 4096 or idlen != 65 or body[21] != 4:
        sys.exit(f"unexpected aes128gcm header: rs={rs} idlen={idlen}")
    plaintext = http_ece.decrypt(
        body,
        private_key=private_key,
        auth_secret=b64(given["auth"]),
        version="aes128gcm",
    )
    sys.stdout.write(base64.urlsafe_b64encode(plaintext).decode().rstrip("="))


if __name__ == "__main__":
    main()
