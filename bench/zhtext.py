"""Chinese minutes text generated from real Chinese text statistics, so it compresses like real prose.

The phrase-pool corpus (``bench.corpus.sentence``) recombines a few dozen clauses, so a page of
300 meetings gzips about 14× while real Chinese prose gzips about 2.5× (issue 15). Here each word
is drawn from jieba 0.42.1's dictionary frequencies, part of speech following the POS bigram of its
tagger (bench/data/SOURCES.md), mixed with what makes real minutes repetitive:

* a branch vocabulary (:data:`DOMAIN`) and a few topic words per meeting;
* a *cache*: spans of words already written in this meeting recur (``REPEAT``), and spans of
  earlier meetings of the branch recur (``SHARED``) — set phrases, names of plans and rules.

The mixture weights were set so that an 800-character text and a concatenation of 60 of them gzip
like real prose measured the same way (docs/benchmarks.md: real 1.83× and 2.52×, generated 1.83×
and 2.51×). The text is word salad to a reader, but its byte statistics are what the sync
benchmark needs. Deterministic for a given ``random.Random``.
"""

from __future__ import annotations

import bisect
import functools
import gzip
import itertools
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

DOMAIN = (
    "党支部", "支部", "党员", "党小组", "支委会", "党组织", "基层", "党建", "工作", "学习", "教育", "落实",
    "责任", "制度", "组织", "生活", "会议", "要求", "问题", "整改", "措施", "开展", "推进", "加强", "提高",
    "强化", "完善", "建设", "发展", "服务", "群众", "干部", "同志", "书记", "委员", "思想", "政治", "理论",
    "精神", "党性", "作风", "纪律", "廉政", "监督", "检查", "考核", "评议", "民主", "批评", "自我批评",
    "谈心谈话", "三会一课", "主题党日", "党课", "党费", "发展党员", "入党积极分子", "预备党员", "转正",
    "先锋岗", "示范", "带头", "作用", "森林", "防火", "巡护", "林场", "管护", "生态", "保护", "修复", "护林员",
    "值班", "安全", "隐患", "排查", "应急", "预案", "上级", "党委", "通知", "文件", "部署", "安排", "计划",
    "方案", "总结", "汇报", "讨论", "研究", "决定", "通过", "表决", "一致", "认为", "指出", "强调", "提出",
    "建议", "意见", "情况", "任务", "目标", "重点", "环节", "实际", "岗位", "一线", "贯彻", "传达", "认真",
    "扎实", "切实", "进一步", "全面", "深入", "持续", "严格", "规范", "及时", "有效", "具体", "重要", "领导",
    "班子", "成员", "队伍", "能力", "水平", "质量", "成效", "机制", "融合", "业务", "中心", "大局", "全体",
    "参加",
)
CONTENT_POS = frozenset({"n", "v", "vn", "a", "ad", "d", "l", "nz"})
P_DOMAIN = 0.30  # a content word is a branch word
P_TOPIC = 0.15  # ... or one of this meeting's topic words
REPEAT = 0.07  # a span of this meeting's own words recurs
SHARED = 0.09  # a span of an earlier meeting's words recurs
TOPIC_WORDS = 10
CLAUSE_CHARS = (4, 18)
FULL_STOP = 0.35  # share of clause ends that end a sentence
SHARED_KEEP = 200


@dataclass(frozen=True)
class _Table:
    words: tuple[str, ...]
    cumulative: tuple[float, ...]

    def pick(self, rng: random.Random) -> str:
        return self.words[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


@functools.cache
def _model() -> tuple[dict[str, _Table], dict[str, _Table]]:
    by_pos: dict[str, list[tuple[str, float]]] = {}
    for line in gzip.decompress((DATA / "zh_words.tsv.gz").read_bytes()).decode("utf-8").splitlines():
        word, freq, pos = line.split("\t")
        by_pos.setdefault(pos, []).append((word, float(freq)))
    words = {p: _Table(tuple(w for w, _ in items), tuple(itertools.accumulate(f for _, f in items)))
             for p, items in by_pos.items()}
    raw = json.loads((DATA / "zh_pos_bigram.json").read_text(encoding="utf-8"))
    following = {}
    for pos, row in raw.items():
        items = [(q, float(v)) for q, v in sorted(row.items()) if q in words]
        if items:
            following[pos] = _Table(tuple(q for q, _ in items), tuple(itertools.accumulate(v for _, v in items)))
    return words, following


@dataclass
class ProseModel:
    """One branch's writer: remembers phrases across meetings (the ``SHARED`` cache)."""

    shared: list[list[str]] = field(default_factory=list)

    def text(self, rng: random.Random, chars: int) -> str:
        """About ``chars`` characters of minutes, ending with a full stop."""
        words, following = _model()
        topic = [rng.choice(DOMAIN) if rng.random() < 0.5 else words[rng.choice("nnv")].pick(rng)
                 for _ in range(TOPIC_WORDS)]
        out: list[str] = []
        history: list[str] = []
        length = since = 0
        pos = "n"
        clause = rng.randint(*CLAUSE_CHARS)
        while length < chars:
            roll = rng.random()
            if roll < REPEAT and len(history) > 6:
                start = rng.randrange(len(history) - 5)
                span = history[start : start + rng.randint(2, 5)]
            elif roll < REPEAT + SHARED and self.shared:
                span = rng.choice(self.shared)
            else:
                pos = following[pos].pick(rng) if pos in following else "n"
                pick = rng.random()
                if pos in CONTENT_POS and pick < P_TOPIC:
                    span = [rng.choice(topic)]
                elif pos in CONTENT_POS and pick < P_TOPIC + P_DOMAIN:
                    span = [rng.choice(DOMAIN)]
                else:
                    span = [words[pos].pick(rng)]
            for word in span:
                out.append(word)
                history.append(word)
                length += len(word)
                since += len(word)
            if since >= clause:
                out.append("。" if rng.random() < FULL_STOP else "，")
                length += 1
                since = 0
                clause = rng.randint(*CLAUSE_CHARS)
        if len(history) > 8:
            for _ in range(3):
                start = rng.randrange(len(history) - 4)
                self.shared.append(history[start : start + rng.randint(2, 4)])
            del self.shared[:-SHARED_KEEP]
        return "".join(out)[: max(1, chars - 1)] + "。"
