"""Rebuild zh_words.tsv.gz and zh_pos_bigram.json from jieba 0.42.1 (MIT licence, see SOURCES.md).

    pip download jieba==0.42.1 --no-deps && tar xzf jieba-0.42.1.tar.gz
    python bench/data/build_zh_stats.py jieba-0.42.1/jieba

Not run by the benchmark: the two files it writes are committed.
"""

from __future__ import annotations

import collections
import gzip
import json
import math
import runpy
import sys
from pathlib import Path

TOP_WORDS = 20_000  # 90 % of the dictionary's frequency mass


def main(jieba_dir: str) -> None:
    src = Path(jieba_dir)
    here = Path(__file__).resolve().parent
    rows = []
    for line in (src / "dict.txt").read_text(encoding="utf-8").splitlines():
        word, freq, pos = line.split()
        rows.append((word, int(freq), pos))
    rows.sort(key=lambda r: (-r[1], r[0]))
    text = "".join(f"{w}\t{f}\t{p}\n" for w, f, p in rows[:TOP_WORDS])
    (here / "zh_words.tsv.gz").write_bytes(gzip.compress(text.encode("utf-8"), 9, mtime=0))
    # jieba's POS tagger is an HMM over (B/M/E/S, POS) states; a word ends in E or S and the next
    # begins in B or S, so those transitions are the POS bigram of its training corpus.
    trans = runpy.run_path(str(src / "posseg" / "prob_trans.py"))["P"]
    bigram: dict[str, dict[str, float]] = collections.defaultdict(lambda: collections.defaultdict(float))
    for (state, pos), following in trans.items():
        if state in "ES":
            for (state2, pos2), logp in following.items():
                if state2 in "BS":
                    bigram[pos][pos2] += math.exp(logp)
    table = {p: {q: round(v, 6) for q, v in sorted(c.items()) if v >= 1e-5}
             for p, c in sorted(bigram.items())}
    (here / "zh_pos_bigram.json").write_text(
        json.dumps(table, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8"
    )


if __name__ == "__main__":
    main(sys.argv[1])
