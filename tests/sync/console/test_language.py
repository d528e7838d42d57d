"""How the console picks a reviewer's language, and that two reviewers' languages never mix.

The pages in both languages are walked in Chromium by tests/e2e/test_console_languages.py; here
the choice itself (cookie, Accept-Language, default) and its isolation per request, against a
real head office over HTTP.
"""

from __future__ import annotations

import threading

import pytest
import requests

from domain.i18n import language
from sync.server.console.language import COOKIE, chosen, from_accept_language
from tests.sync.hq import HeadOfficeFixture


@pytest.mark.parametrize(("header", "expected"), [
    ("en-US,en;q=0.9", "en"),
    ("en-GB", "en"),
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh_CN"),
    ("en;q=0.5,zh-CN;q=0.9", "zh_CN"),  # ranked by q, not by position
    ("zh-TW;q=0.4,en;q=0.6", "en"),
    ("fr-FR,de;q=0.8", "zh_CN"),  # neither: the default
    ("en;q=0", "zh_CN"),  # q=0 means "not this one"
    ("en;q=abc", "zh_CN"),
    ("", "zh_CN"),
    ("*", "zh_CN"),
])
def test_accept_language(header: str, expected: str) -> None:
    assert from_accept_language(header) == expected


def test_the_switch_cookie_wins_over_the_browser() -> None:
    assert chosen("zh_CN", "en-US,en") == "zh_CN"
    assert chosen("en", "zh-CN") == "en"
    assert chosen("klingon", "en-US") == "en", "an unknown cookie value is ignored"
    assert chosen(None, None) == "zh_CN"


def test_each_request_in_its_own_language(hq_sqlite: HeadOfficeFixture) -> None:
    """Many requests at once, half English: each page in its own language, none in the other's,
    and the process's own language (the CLI's, the default) untouched."""
    url = hq_sqlite.base_url + "/"
    pages: dict[int, str] = {}

    def fetch(i: int) -> None:
        headers = {"Accept-Language": "en-US,en"} if i % 2 else {}
        pages[i] = requests.get(url, headers=headers, timeout=30).text

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i, text in pages.items():
        if i % 2:
            assert '<html lang="en">' in text and ">Sign in</button>" in text and "登录</button>" not in text
        else:
            assert '<html lang="zh-CN">' in text and ">登录</button>" in text and "Sign in" not in text
    assert language() == "zh_CN"


def test_the_switch_sets_the_cookie_and_goes_back(hq_sqlite: HeadOfficeFixture) -> None:
    http = requests.Session()
    switch = "/console/language/en?next=/%3Fnext%3D%252Fconsole%252Faudit"
    reply = http.get(hq_sqlite.base_url + switch, allow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"] == "/?next=%2Fconsole%2Faudit"
    assert http.cookies.get(COOKIE) == "en"
    cookie = reply.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=31536000" in cookie
    assert '<html lang="en">' in http.get(hq_sqlite.base_url + "/", headers={"Accept-Language": "zh-CN"}).text
    # Never a way off the site, and only the two languages.
    off = http.get(hq_sqlite.base_url + "/console/language/zh_CN?next=//evil.example/", allow_redirects=False)
    assert off.headers["location"] == "/"
    assert http.get(hq_sqlite.base_url + "/console/language/fr", allow_redirects=False).status_code == 404
    # The device API is not the console: its replies do not depend on the reviewer's cookie.
    assert http.get(hq_sqlite.base_url + "/v1/health").status_code == 200
