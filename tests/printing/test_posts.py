"""先锋岗 report: details, pledges, the work log and evaluations with the rule engine's stars."""

from __future__ import annotations

from pathlib import Path

from domain.enums import RecordStatus
from domain.rules import star_rating
from printing.fonts import FontSet
from printing.posts import period_zh, render_post_report
from testsupport import print_samples as samples

from .pdf import big_words, has_row, norm, pdf_text


def test_post_report_prints_every_part(tmp_path: Path, fonts: FontSet) -> None:
    path = tmp_path / "p.pdf"
    result = render_post_report(samples.post_report_input(), path, fonts=fonts)
    text = norm(pdf_text(path, tmp_path))
    assert star_rating(92) == 5 and star_rating(78) == 3
    for expected in [
        "党员先锋岗工作台账",
        "一号瞭望塔党员先锋岗（2025年）",
        "岗位名称：一号瞭望塔党员先锋岗",
        "类别：瞭望值守",
        "岗位类型：个人岗",
        "挂牌状态：已挂牌",
        "责任人：赵志强（党小组组长）、孙丽",
        "责任范围：一号瞭望塔及周边15公里林区",
        "岗位周期：2025年1月1日至2025年12月31日",
        "岗位职责：1.防火期每日瞭望值守不少于12小时2.发现烟点10分钟内报告",
        "年度任务：1.全年无漏报、迟报",
        "共2项，已践诺1项。",
        "共2条，累计16小时。",
        "岗位责任人（签字）：",
        "支部书记（签字）：",
    ]:
        assert expected in text, expected
    for row in [
        ["1", "防火期24小时在岗，做到早发现、早报告", "2025-10-31", "赵志强", "已践诺"],
        ["2", "培训新瞭望员2名", "2025-12-31", "孙丽", "未完成"],
        ["2025-04-02", "赵志强", "宣传", "林场卡口", "清明期间卡口检查登记进山人员并发放宣传单", "4"],
        ["2025-05-14", "孙丽", "瞭望值守", "一号瞭望塔", "发现东北方向可疑烟点", "成效：核实为农户烧荒，已劝阻", "12"],
        ["2025年第二季度", "2025-07-05", "赵志强", "92", "★★★★★", "5星", "支委会、群众代表", "履岗到位"],
        ["2025年第二季度", "2025-07-05", "孙丽", "78", "★★★☆☆", "3星", "值守认真，宣传次数偏少"],
    ]:
        assert has_row(text, row), row
    assert result.missing_chars == []
    assert big_words(path, tmp_path, 1) == []


def test_draft_post_report_has_watermark(tmp_path: Path, fonts: FontSet) -> None:
    data = samples.post_report_input()
    draft = type(data)(**{**data.__dict__, "status": RecordStatus.DRAFT})
    render_post_report(draft, tmp_path / "d.pdf", fonts=fonts)
    assert sorted(big_words(tmp_path / "d.pdf", tmp_path, 1)) == sorted("草稿")


def test_period_names() -> None:
    assert period_zh("2025-Q4") == "2025年第四季度"
    assert period_zh("2025-H1") == "2025年上半年"
    assert period_zh("2025-06") == "2025年6月"
    assert period_zh("2025") == "2025年"
