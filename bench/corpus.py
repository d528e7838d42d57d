"""Deterministic, realistic branch records for benchmarks.

Minutes text comes from one of two sources, both seeded, so every run produces the same documents:

* ``phrases`` (:func:`prose`): recombined clause pools. Reads like minutes, but a page of them
  gzips about 14×, far better than real minutes (issue 15); kept for the store and UI benches and
  as ``python -m bench sync --corpus phrases``.
* ``zh`` (:class:`bench.zhtext.ProseModel`): generated from real Chinese text statistics, so it
  compresses like real prose; the sync benchmark's default.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

TextSource = Callable[[random.Random, int], str]  # (rng, characters) -> text

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
    "贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "建华国强秀英桂兰志刚海燕丽娟晓东振宇红梅文博子涵俊杰雪松林峰玉兰德明春生秋菊冬梅永安长青春雷"

SUBJECTS = [
    "林场党支部", "管护站全体党员", "支部委员会", "第一党小组", "第二党小组", "防火检查站", "瞭望塔值守人员",
    "巡护队", "退化林修复项目组", "支部书记", "组织委员", "宣传委员", "纪检委员", "入党积极分子",
]
VERBS = [
    "传达学习了", "认真讨论了", "部署落实了", "总结回顾了", "对照检查了", "逐条研究了", "专题学习了",
    "集中研讨了", "分析查摆了", "安排部署了", "听取汇报了", "审议通过了",
]
OBJECTS = [
    "上级党委关于春季森林防火工作的通知", "《中国共产党支部工作条例（试行）》第十一条", "秋季防火期巡护路线调整方案",
    "退化林修复三年行动计划", "党员先锋岗设岗定责情况", "本季度党费收缴情况", "林区卡口检查登记制度",
    "有害生物防治工作安排", "组织生活会查摆问题整改清单", "发展党员工作计划", "主题党日活动方案",
    "冬季森林管护责任分区", "瞭望塔值班制度落实情况", "民主评议党员工作方案", "雷击火应急处置预案",
    "党员教育培训学时完成情况", "林业生态保护红线管理规定", "护林员队伍建设意见",
]
CLAUSES = [
    "大家一致认为要压实责任、细化措施", "会上有同志指出值班记录填写不够规范", "要求各党小组在月底前报送落实情况",
    "强调党员要在防火一线亮身份、作表率", "针对去年发现的问题逐项销号", "结合林场实际提出了三条具体措施",
    "有党员建议增加夜间巡护频次", "会议明确由组织委员负责跟踪督办", "对照承诺事项逐条检查完成情况",
    "部分党员反映巡护车辆不足，需向上级申请", "支部书记作了总结讲话", "与会党员结合岗位作了表态发言",
    "要求把学习成果转化为护林防火的实际成效", "会议对下一阶段重点工作进行了分工", "同志们围绕议题展开了热烈讨论",
    "决定在下月主题党日开展志愿服务", "建议在卡口增设宣传牌和登记台", "认为修复地块成活率仍需提高",
]
PLACES = ["林场党员活动室", "管护站会议室", "场部三楼会议室", "防火检查站值班室", "瞭望塔下临时会场", "线上视频会议"]
TITLE_WORDS = ["支部党员大会", "支委会", "党小组会", "党课", "主题党日"]
TYPES = ["party_congress", "committee", "group", "lecture", "theme_day"]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)}{rng.choice(VERBS)}{rng.choice(OBJECTS)}，{rng.choice(CLAUSES)}。"


def prose(rng: random.Random, chars: int) -> str:
    out: list[str] = []
    total = 0
    while total < chars:
        s = sentence(rng)
        if rng.random() < 0.3:
            s = f"{person(rng)}同志发言：{rng.choice(CLAUSES)}，{rng.choice(CLAUSES)}。"
        out.append(s)
        total += len(s)
    return "".join(out)


def roster(rng: random.Random, n: int) -> list[tuple[str, dict[str, Any]]]:
    members = []
    for i in range(n):
        members.append((
            f"0190a000-0000-7000-8000-{i:012d}",
            {"name": person(rng), "status": "probationary" if i % 9 == 8 else "full",
             "posts": ["secretary"] if i == 0 else (["organization"] if i == 1 else [])},
        ))
    return members


def text_source(name: str) -> TextSource:
    """``phrases`` (clause pools) or ``zh`` (real-text statistics, one branch's writer)."""
    if name == "phrases":
        return prose
    if name == "zh":
        from bench.zhtext import ProseModel

        return ProseModel().text
    raise ValueError(f"unknown corpus {name!r} (phrases, zh)")


def meeting(rng: random.Random, i: int, member_ids: list[str], minutes_chars: int = 800,
            text: TextSource = prose) -> dict[str, Any]:
    """One meeting record; ``text`` writes the minutes and resolutions."""
    kind = TYPES[i % len(TYPES)]
    start_hour = rng.choice([9, 14, 19])
    day = dt.date(2024, 1, 1) + dt.timedelta(days=(i * 7) % 1000)
    attendees = rng.sample(member_ids, min(15, len(member_ids)))
    return {
        "meeting_type": kind,
        "title": f"{day.year}年{day.month}月{rng.choice(TITLE_WORDS)}（第{i}次）",
        "starts_at": f"{day.isoformat()}T{start_hour:02d}:00",
        "ends_at": f"{day.isoformat()}T{start_hour + rng.choice([1, 2]):02d}:30",
        "place": rng.choice(PLACES),
        "chair_member_id": member_ids[0],
        "recorder_member_id": member_ids[1],
        "attendance": [
            {"member_id": m, "status": "present"} if rng.random() < 0.85
            else {"member_id": m, "status": "leave", "reason": rng.choice(["森林防火值班", "病假", "外出培训", "巡护"])}
            for m in attendees
        ],
        "agenda": [{"title": rng.choice(OBJECTS)} for _ in range(3)],
        "discussion": text(rng, minutes_chars),
        "resolutions": [{"text": text(rng, 30) if text is not prose else sentence(rng)} for _ in range(2)],
        **(
            {"lecture": {"lecturer": person(rng), "topic": rng.choice(OBJECTS), "hours": "2"}}
            if kind == "lecture"
            else {}
        ),
        **({"theme_day": {"theme": rng.choice(OBJECTS)}} if kind == "theme_day" else {}),
    }
