#!/usr/bin/env python3
"""Writes contract-endpoints.json: the wire contract's endpoint list, transcribed once.

The contract (version 1.0) ships its endpoints machine-readably as privicore-endpoints.json beside
privicore-api.md. The project must stand alone, so nothing reads that file at build, run or test
time: this script copies it here, unchanged apart from the envelope naming its source and digest,
and test/unit/engine/http/endpoints.test.ts compares engine/http/endpoints.ts against the copy.
Run it again only when the contract changes, then update the table until the test passes.

Run from the repository root:
  python3 test/vectors/make-contract-endpoints.py PATH/TO/privicore-endpoints.json
(needs only the Python standard library)
"""

import hashlib
import json
import pathlib
import sys

FIELDS = ["id", "area", "method", "path", "aliases", "auth", "kind", "body", "params", "success", "extension"]
PARAM_FIELDS = ["name", "in", "type", "required"]


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: make-contract-endpoints.py PATH/TO/privicore-endpoints.json")
    source = pathlib.Path(sys.argv[1])
    raw = source.read_bytes()
    endpoints = json.loads(raw)
    for endpoint in endpoints:
        # A field the table does not model would be dropped silently; refuse instead.
        if sorted(endpoint) != sorted(FIELDS):
            sys.exit(f"{endpoint.get('id')}: unexpected fields {sorted(endpoint)}")
        for param in endpoint["params"]:
            if sorted(param) != sorted(PARAM_FIELDS):
                sys.exit(f"{endpoint['id']}: unexpected parameter fields {sorted(param)}")
    out = {
        "source": "privicore-endpoints.json of the Privicore wire contract, version 1.0",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "madeBy": "test/vectors/make-contract-endpoints.py",
        "endpoints": endpoints,
    }
    target = pathlib.Path(__file__).with_name("contract-endpoints.json")
    target.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target} ({len(endpoints)} endpoints)")


if __name__ == "__main__":
    main()
