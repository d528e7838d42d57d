"""The console in Chinese and in English (issue 12, "One way to translate"), in headless Chromium.

A reviewer (an administrator, so every page is there) signs in with a Chinese browser and sees
Chinese; clicks the header's language switch and walks every page in English — no Chinese
character anywhere but in user data (names, titles, notice text as typed) and in parts marked
``lang="zh-CN"`` (the minutes document, Chinese by design); clicks it again and walks them in
Chinese — no English word outside :func:`english_words`' allowed list. A browser that prefers
English gets English without clicking. The checker itself is shown a page with one untranslated
string, so a string that skipped the catalog cannot pass unnoticed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from sync.server import orgs
from sync.server.console.tables import console_audit, console_users
from sync.server.console.users import add_user
from sync.server.tables import devices, org_units, revisions
from tests.e2e.conftest import VIEWPORT
from tests.sync.console.conftest import PASSWORD
from tests.sync.hq import HeadOfficeFixture, finalizable_meeting
from testsupport.catalog_build import build_module

BUILD = build_module()
CJK: re.Pattern[str] = BUILD.CJK
english_words = BUILD.english_words

# The page's text as a reader meets it: the body without what is marked as another language
# (the language switch names the other language in itself; the minutes are a Chinese document),
# the title, and the attributes a reader sees (tooltips, placeholders, labels for assistive tech).
VISIBLE_TEXT = """() => {
  const lang = document.documentElement.lang;
  const body = document.body.cloneNode(true);
  body.querySelectorAll('[lang]').forEach(e => { if (e.getAttribute('lang') !== lang) e.remove(); });
  const attrs = [...body.querySelectorAll('[title],[placeholder],[aria-label],[alt]')]
    .flatMap(e => ['title', 'placeholder', 'aria-label', 'alt'].map(a => e.getAttribute(a) || ''));
  body.querySelectorAll('option').forEach(o => o.append(' '));
  return [document.title, body.textContent, ...attrs].join('\\n');
}"""


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def user_data(hq: HeadOfficeFixture) -> list[str]:
    """Everything people typed that the console shows as typed, longest first (so a title goes
    before the branch name inside it): org, user and device names, authors, every text of every record,
    the audit log's targets and details."""
    found: set[str] = set()
    with hq.db.connect() as conn:
        found.update(conn.execute(select(org_units.c.name)).scalars())
        found.update(conn.execute(select(console_users.c.display_name)).scalars())
        found.update(conn.execute(select(devices.c.name)).scalars())
        found.update(conn.execute(select(revisions.c.author)).scalars())
        for body in conn.execute(select(revisions.c.body)).scalars():
            found.update(_strings(json.loads(body)) if body else ())
        for target, detail in conn.execute(select(console_audit.c.target, console_audit.c.detail)).all():
            found.update([target or "", detail or ""])
    parts = {p for s in found for p in [s, *re.split(r"[\s:]+", s)] if p and CJK.search(p)}
    return sorted(parts, key=len, reverse=True)


def leftovers(text: str, lang: str, data: list[str], logins: tuple[str, ...] = ()) -> list[str]:
    """What in ``text`` is not in ``lang``: Chinese characters in English (user data removed),
    English words in Chinese (ids, hashes, versions and login names removed)."""
    for item in data:
        text = text.replace(item, " ")
    if lang == "en":
        return sorted({line.strip() for line in text.splitlines() if CJK.search(line)})
    text = re.sub(r"\S*\d\S*", " ", text)  # record ids, revisions, versions, dates, digests
    for name in logins:
        text = re.sub(rf"\b{re.escape(name)}\b", " ", text)
    return sorted(set(english_words(text)))


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HeadOfficeFixture]:
    fixture = HeadOfficeFixture.start(f"sqlite:///{tmp_path / 'hq.sqlite3'}", backend="sqlite")
    fixture.office.call(orgs.add_unit, "矿区二级党委", "committee", "g", "c2")
    fixture.office.call(orgs.add_unit, "第三支部", "branch", "c2", "b3")
    fixture.office.call(add_user, "zhao", "admin", PASSWORD, display_name="组织部赵")
    fixture.office.call(add_user, "shen", "reviewer", PASSWORD, org="c", display_name="审核员沈")
    laptop = fixture.device("b1", name="林场办公室电脑")
    laptop.state.finalize(laptop.state.create("meeting", finalizable_meeting(laptop.state, "第四季度支部党员大会")))
    laptop.state.create("meeting", {"meeting_type": "lecture", "title": "党课草稿", "starts_at": "2026-11-03T15:00:00"})
    assert laptop.sync().rejected == 0
    fixture.publish_notice("c", title="关于开展冬季防火主题党日的通知")
    try:
        yield fixture
    finally:
        fixture.stop()


def _pages(page: Any, base: str) -> list[tuple[str, str]]:
    """(name, address) of every console page, found through the pages themselves."""
    page.goto(base + "/console/branches/b1")
    meeting = page.get_attribute('#records a:has-text("第四季度支部党员大会")', "href")
    draft = page.get_attribute('#records a:has-text("党课草稿")', "href")
    page.goto(base + "/console/notices")
    notice = page.get_attribute('#notices a[href^="/console/notices/"]', "href")
    return [
        ("matrix", "/console/matrix"), ("matrix-quarter", "/console/matrix?year=2026&part=Q4"),
        ("branch", "/console/branches/b1"), ("meeting", str(meeting)), ("draft", str(draft)),
        ("reviews", "/console/reviews"),
        ("returned", "/console/reviews?status=returned"), ("notices", "/console/notices"), ("notice", str(notice)),
        ("roster", "/console/roster"), ("users", "/console/users"), ("orgs", "/console/orgs"),
        ("devices", "/console/devices"), ("audit", "/console/audit"), ("search", "/console/search?q=防火"),
        ("account", "/console/account"), ("error", "/console/branches/nowhere"),
        ("bad-period", "/console/matrix?year=20x6"),
    ]


def _walk(page: Any, hq: HeadOfficeFixture, lang: str, shots: Path) -> dict[str, list[str]]:
    data = [*user_data(hq), "防火"]  # and the search words the reviewer typed
    problems: dict[str, list[str]] = {}
    for name, path in _pages(page, hq.base_url):
        page.goto(hq.base_url + path)
        assert page.get_attribute("html", "lang") == ("en" if lang == "en" else "zh-CN"), (name, lang)
        page.screenshot(path=str(shots / f"lang-{lang}-{name}.png"), full_page=True)
        found = leftovers(page.evaluate(VISIBLE_TEXT), lang, data, ("zhao", "shen"))
        if found:
            problems[name] = found
        # English is longer: the page must not grow sideways at 1366 px (tables scroll in their own box).
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORT["width"], (name, lang, width)
    return problems


def _login(browser: Any, hq: HeadOfficeFixture, locale: str) -> Any:
    page = browser.new_context(viewport=VIEWPORT, locale=locale).new_page()
    page.goto(hq.base_url + "/")
    page.fill("#name", "zhao")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/matrix")
    return page


def test_every_page_in_both_languages_through_the_header_switch(browser: Any, hq: HeadOfficeFixture,
                                                                shots: Path) -> None:
    page = _login(browser, hq, "zh-CN")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.inner_text("#language-switch") == "English"
    page.click("#language-switch")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url.endswith("/console/matrix"), "the switch comes back to the page it was clicked on"
    assert "Three Meetings and One Lesson" in page.inner_text("h1")
    assert page.inner_text("#language-switch") == "中文"
    assert _walk(page, hq, "en", shots) == {}
    # The choice is remembered: a page opened later, and the record's chrome around the Chinese minutes.
    page.goto(hq.base_url + "/console/branches/b1")
    page.click('#records a:has-text("第四季度支部党员大会")')
    page.wait_for_selector("#minutes")
    assert page.get_attribute("#minutes", "lang") == "zh-CN", "the minutes document stays Chinese by design"
    assert "党员大会会议记录" in page.inner_text("#minutes h1")
    assert page.inner_text("#review-form h2") == "Review"
    # A form error is in the reviewer's language too: returning without a comment.
    page.click('#review-form button[value="returned"]')
    page.wait_for_selector("text=When returning, write a comment")
    assert page.inner_text("h1") == "Bad request"
    assert leftovers(page.evaluate(VISIBLE_TEXT), "en", user_data(hq)) == []
    page.go_back()
    page.wait_for_selector("#minutes")

    page.click("#language-switch")
    page.wait_for_function("document.documentElement.lang === 'zh-CN'")
    assert "修订记录" in page.inner_text("main") and page.inner_text("#review-form h2") == "审核"
    assert _walk(page, hq, "zh_CN", shots) == {}

    # Signed out, the login page follows the cookie too, and the switch is there.
    page.click(".me button[type=submit]")
    page.wait_for_selector("#name")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert leftovers(page.evaluate(VISIBLE_TEXT), "zh_CN", []) == []
    page.click("#language-switch")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert leftovers(page.evaluate(VISIBLE_TEXT), "en", []) == []
    page.fill("#name", "zhao")
    page.fill("#password", "wrong password")
    page.click("button[type=submit]")
    assert "Wrong user name or password." in page.inner_text("[role=alert]")
    page.context.close()


def test_an_english_browser_gets_english_and_the_switch_wins(browser: Any, hq: HeadOfficeFixture, shots: Path) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    page = context.new_page()
    page.goto(hq.base_url + "/")
    assert page.get_attribute("html", "lang") == "en"
    page.screenshot(path=str(shots / "lang-en-login.png"), full_page=True)
    assert leftovers(page.evaluate(VISIBLE_TEXT), "en", []) == []
    assert page.inner_text("button[type=submit]") == "Sign in"
    page.click("#language-switch")
    page.wait_for_function("document.documentElement.lang === 'zh-CN'")
    page.screenshot(path=str(shots / "lang-zh_CN-login.png"), full_page=True)
    assert leftovers(page.evaluate(VISIBLE_TEXT), "zh_CN", []) == []
    assert page.inner_text("button[type=submit]") == "登录"
    context.close()


def test_the_checker_catches_one_untranslated_string(browser: Any, hq: HeadOfficeFixture) -> None:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.set_content('<html lang="en"><body><h1>Reviews</h1><p>待完成</p><p>第一支部</p>'
                     '<a lang="zh-CN">中文</a><input placeholder="搜索"></body></html>')
    found = "\n".join(leftovers(page.evaluate(VISIBLE_TEXT), "en", ["第一支部"]))
    assert "待完成" in found and "搜索" in found, "an untranslated text and placeholder are caught"
    assert "第一支部" not in found and "中文" not in found, "user data and the marked switch are not"
    page.set_content('<html lang="zh-CN"><body><h1>审核</h1><p>Overdue</p><p title="Due soon">逾期</p>'
                     '<a lang="en">English</a><p>导出 Excel · shen · b1 · 3-9f2ab</p></body></html>')
    assert leftovers(page.evaluate(VISIBLE_TEXT), "zh_CN", [], ("shen",)) == ["Due", "Overdue", "soon"]
    page.context.close()
