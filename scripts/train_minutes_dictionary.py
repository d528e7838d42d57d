"""Train zstd dictionary 1 for the ``x-bl-zstd-gb18030-d1`` coding (sync/protocol/compression.py).

    .venv/bin/python scripts/train_minutes_dictionary.py [out]   # default: sync/protocol/dictionaries/minutes-1.zdict

The samples are what travels: pushed changes, pulled changes and results, as JSON with compact
bodies (sync/protocol/compact.py), transcoded to GB18030. Their records come from the benchmark's
generators (bench/corpus.py, both text sources) with seeds the benchmark does not use, so the
dictionary learns the record structure, the branch vocabulary and common words, not the benchmark's
own documents. No real minutes went into it (none may be shipped); a later dictionary trained on
real minutes would get the next number (…-d2) and both would be accepted during a transition.

Never rewrite a published dictionary: both ends must hold the same bytes for id 1.
"""

from __future__ import annotations

import base64
import json
import random
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backports import zstd  # noqa: E402

from bench.corpus import meeting, roster, text_source  # noqa: E402
from domain.validation import parse_body  # noqa: E402
from sync.protocol.compact import schema_id, strip  # noqa: E402

SEEDS = range(900, 960)  # the benchmark uses 2026 (and 7, 8 in docs examples)
DICT_SIZE = 64 * 1024


def _sig(rng: random.Random) -> str:
    return base64.b64encode(rng.randbytes(64)).decode()


def samples() -> list[bytes]:
    out = []
    for seed in SEEDS:
        rng = random.Random(seed)
        text = text_source("zh" if seed % 3 else "phrases")
        members = roster(rng, 40)
        ids = [m for m, _ in members]
        device = str(uuid.UUID(int=rng.getrandbits(128)))
        items = [("member", body) for _, body in members[:5]]
        items += [("meeting", meeting(rng, i, ids, 800, text)) for i in range(12)]
        for n, (kind, raw) in enumerate(items):
            full = parse_body(kind, raw)[0]
            assert full is not None
            body = full.model_dump(mode="json")
            rev = f"{1 + n % 3}-{rng.randbytes(16).hex()}"
            parents = [] if n % 3 == 0 else [f"{n % 3}-{rng.randbytes(16).hex()}"]
            change = {"change_id": str(uuid.UUID(int=rng.getrandbits(128))), "counter": 100 + n,
                      "record_id": str(uuid.UUID(int=rng.getrandbits(128))), "kind": kind, "parents": parents,
                      "rev": rev, "deleted": False, "status": "draft", "schema_version": 1,
                      "body": strip(kind, body), "body_schema": schema_id(),
                      "hlc": f"17638888{rng.randrange(10**5):05d}-0000-{device}",
                      "device_time": "2026-11-23T09:00:00.000+08:00", "author": "王书记", "sig": _sig(rng)}
            if n % 2:
                change = {**change, "seq": 4000 + n, "device_id": device, "received_at": "2026-11-23T01:00:00.000000Z",
                          "current_rev": rev, "conflicted": False, "leaves": [rev], "hq_sig": _sig(rng)}
                change.pop("change_id")
                change.pop("counter")
            result = {"change_id": change.get("change_id", ""), "counter": 100 + n, "record_id": change["record_id"],
                      "rev": rev, "status": "accepted", "seq": 4000 + n, "current_rev": rev, "conflicted": False,
                      "leaves": [rev], "code": None, "message": None}
            for item in (change, result):
                out.append(json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode("gb18030"))
    return out


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "sync" / "protocol" / "dictionaries" / "minutes-1.zdict"
    trained = zstd.train_dict(samples(), DICT_SIZE)
    target.write_bytes(trained.dict_content)
    print(f"{target}: {len(trained.dict_content)} bytes, dict id {trained.dict_id}")


if __name__ == "__main__":
    main()
