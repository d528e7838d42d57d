"""Accounts, passwords, sessions, throttling, CSRF and the audit log, against the running server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any

import requests
from sqlalchemy import select, update

from sync.server.console.sessions import SessionPolicy
from sync.server.console.tables import console_sessions, console_users
from sync.server.console.web import ConsoleSettings
from tests.sync.console.conftest import PASSWORD, Browserless
from tests.sync.hq import HeadOfficeFixture


def test_passwords_are_argon2id_and_login_sets_a_safe_cookie(console: HeadOfficeFixture) -> None:
    with console.office.engine.begin() as conn:
        hashes = conn.execute(select(console_users.c.password_hash)).scalars().all()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes) and not any(PASSWORD in h for h in hashes)
    session = Browserless(console.base_url)
    reply = session.login("shen")
    assert reply.history and reply.history[0].status_code == 303
    cookie = reply.history[0].headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Secure" not in cookie, "plain HTTP on loopback: the browser would drop a Secure cookie"
    with console.office.engine.begin() as conn:
        stored = conn.execute(select(console_sessions.c.token_hash)).scalars().all()
    token = session.http.cookies.get("bl_console")
    assert token and token not in stored and len(stored) == 1, "only a digest of the session token is kept"
    console.server.server.config.app.state.console = ConsoleSettings(secure_cookies="always")
    again = Browserless(console.base_url)
    assert "Secure" in again.http.get(console.base_url + "/").headers["set-cookie"]


def test_wrong_password_unknown_user_and_throttling(console: HeadOfficeFixture) -> None:
    session = Browserless(console.base_url)
    assert "用户名或密码不正确" in session.login("shen", "wrong-password!").text
    assert "用户名或密码不正确" in session.login("nobody", "wrong-password!").text
    for _ in range(3):
        session.login("shen", "wrong-password!")
    locked = session.login("shen", "wrong-password!")
    assert locked.status_code == 401 and "分钟后再试" in locked.text
    # Even the right password is refused while locked, and the attempts are in the audit log.
    assert "分钟后再试" in session.login("shen", PASSWORD).text
    admin = Browserless(console.base_url)
    assert "分钟后再试" in admin.login("admin").text, "per account and per address: this address is locked too"
    with console.office.engine.begin() as conn:
        from sync.server.console.tables import console_throttle

        conn.execute(console_throttle.delete())
    logged = Browserless(console.base_url)
    logged.login("admin")
    audit = logged.get("/console/audit").text
    assert audit.count("登录失败") >= 5 and "登录受限" in audit


def test_every_form_needs_its_csrf_token(console: HeadOfficeFixture, user: Any) -> None:
    reviewer = user("shen")
    forged = reviewer.http.post(console.base_url + "/console/notices", data={"target": "c", "title": "伪造"})
    assert forged.status_code == 403 and "表单已过期" in forged.text
    wrong = reviewer.http.post(console.base_url + "/console/notices",
                               data={"target": "c", "title": "伪造", "csrf": "x" * 32})
    assert wrong.status_code == 403
    other_site = reviewer.post("/console/notices", {"target": "c", "title": "伪造"},
                               headers={"Origin": "https://evil.example"})
    assert other_site.status_code == 403
    assert reviewer.post("/logout", {}, headers={"Origin": "https://evil.example"}).status_code == 403
    login = requests.post(console.base_url + "/login", data={"name": "shen", "password": PASSWORD})
    assert login.status_code == 403, "the login form has its own token"
    assert "伪造" not in reviewer.get("/console/notices").text


def test_idle_sessions_end_and_logout_ends_the_session(console: HeadOfficeFixture, user: Any) -> None:
    reviewer = user("shen")
    assert reviewer.get("/console/matrix").status_code == 200
    with console.office.engine.begin() as conn:
        conn.execute(update(console_sessions).values(last_seen_at="2000-01-01T00:00:00.000000Z"))
    expired = reviewer.get("/console/matrix", allow_redirects=False)
    assert expired.status_code == 303 and expired.headers["location"].startswith("/?next=%2Fconsole%2Fmatrix")
    reviewer = user("shen")
    token = reviewer.http.cookies.get("bl_console")
    assert reviewer.post("/logout").status_code == 200
    stolen = requests.get(console.base_url + "/console/matrix", cookies={"bl_console": token or ""},
                          allow_redirects=False)
    assert stolen.status_code == 303, "a logged-out session cannot be replayed"
    assert SessionPolicy().idle_minutes == 30


def test_open_redirect_after_login_is_refused(console: HeadOfficeFixture) -> None:
    session = Browserless(console.base_url)
    page = session.http.get(console.base_url + "/?next=//evil.example/x")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    reply = session.http.post(console.base_url + "/login", allow_redirects=False,
                              data={"csrf": token[1], "name": "shen", "password": PASSWORD,
                                    "next": "//evil.example/x"})
    assert reply.status_code == 303 and reply.headers["location"] == "/console/matrix"


def test_cli_user_add_from_the_environment(tmp_path: Any) -> None:
    db = str(tmp_path / "hq.sqlite3")
    run = [sys.executable, "-m", "sync.server.cli", "--db", db]
    env = {**os.environ, "BRANCH_LEDGER_HQ_PASSWORD": "第一位管理员的登录密码"}
    assert subprocess.run([*run, "org", "add", "集团党委", "--kind", "group", "--id", "g"], check=False,
                          capture_output=True).returncode == 0
    made = subprocess.run([*run, "user", "add", "chief", "--role", "admin"], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False)
    assert made.returncode == 0 and "管理员" in made.stdout, made.stderr
    scoped = subprocess.run([*run, "user", "add", "viewer1", "--role", "viewer", "--org", "集团党委"], env=env,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    assert scoped.returncode == 0
    short = subprocess.run([*run, "user", "add", "weak", "--role", "viewer"], capture_output=True, text=True,
                           env={**os.environ, "BRANCH_LEDGER_HQ_PASSWORD": "short"}, stdin=subprocess.DEVNULL,
                           check=False)
    assert short.returncode == 1 and "至少需要 10 个字符" in short.stderr
    no_tty = subprocess.run([*run, "user", "add", "x", "--role", "viewer"], capture_output=True, text=True,
                            env={k: v for k, v in os.environ.items() if k != "BRANCH_LEDGER_HQ_PASSWORD"},
                            stdin=subprocess.DEVNULL, check=False)
    assert no_tty.returncode == 1 and "BRANCH_LEDGER_HQ_PASSWORD" in no_tty.stderr
    listed = subprocess.run([*run, "user", "list"], capture_output=True, text=True, check=False)
    assert "chief" in listed.stdout and "viewer1" in listed.stdout and "weak" not in listed.stdout
