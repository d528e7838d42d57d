"""Every page and dialog a clerk can open, in English and in Chinese, shows one language only.

The real main window is opened on a real encrypted store holding a branch, its roster, meetings
(one with rule problems, one finalized), a pioneer post with a log entry and an evaluation. The
clerk unlocks it by typing the passphrase, clicks every page in the navigation, opens the editors
from the lists and the 新建 buttons, the print dialog, the menus, the About box and the dialogs of
the settings page, as a person does (tests/ui/clerk.py). At each step every text on screen is
read: labels, buttons, tab titles, group titles, table headers and cells, list items, combo
items, tooltips, placeholder texts, window titles, menu entries and the message boxes.

* English: no Chinese character anywhere. The data put into the store is ASCII only, so a
  Chinese character on screen is the program's own text — never the clerk's.
* Chinese: no English word except the names and formats the clerk uses as they are (PDF, CSV,
  Excel, Ctrl…: the catalog builder's ``ALLOWED_LATIN``). The data is Chinese only.

Rule messages shown in an editor (the problems list, the texts under the fields, the quorum
verdict) are among the texts read, so they too must be in the window's language.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QImageWriter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QTreeView,
    QWidget,
)

from desktop_app.store import Store
from desktop_app.ui.i18n import install_translator, translate
from desktop_app.ui.shell import ShellWindow
from tests.ui.clerk import Clerk, settle, wait_until
from tests.ui.conftest import FAST_KDF, PASSPHRASE
from tests.ui.steps import button, go_to, newest_editor, open_from_list
from testsupport.catalog_build import build_module

# Chinese characters and punctuation; 〓 (U+3013) is the mark printed for a missing glyph, not a word.
CJK = re.compile(r"[\u3000-\u3012\u3014-\u303f\u4e00-\u9fff\uff00-\uffef]")
TAG = re.compile(r"<[^>]+>")
# Not words of either language: paths and addresses (the data directory, an example URL) and
# codes (the recovery key, shown on its own so the clerk can write it down).
NOT_WORDS = re.compile(r"\S*/\S*|https?://\S+|\b[A-Z0-9]{4}(?:-[A-Z0-9]{4})+\b")
# A file dialog's folder views and its "look in" list show the names on disk: the clerk's data.
FILE_SYSTEM = {"listView", "treeView", "sidebar", "lookInCombo"}
# The language picker names each language in itself, as every program does.
LANGUAGE_NAMES = {"简体中文", "English"}




ENGLISH_WORDS = build_module().english_words

# The data of each walk: (branch, party groups, member names, meeting titles, post, log text).
DATA = {
    "en": {
        "branch": "Bilahe Forest Farm Branch", "groups": ["Group One", "Group Two"],
        "members": ["Wang Secretary", "Li Organiser", "Zhao Publicity", "Qian Member", "Zhou Member", "Sun Probation"],
        "congress": "Spring general meeting", "committee": "March committee meeting", "place": "Office",
        "agenda": "Fire prevention plan", "speech": "Patrols start in April", "vote": "Adopt the plan",
        "resolution": "The plan is adopted", "post": "Watchtower 3", "pledge": "No fire this season",
        "log": "Eight hours on the tower", "reason": "On duty",
    },
    "zh_CN": {
        "branch": "毕拉河林场党支部", "groups": ["第一党小组", "第二党小组"],
        "members": ["王书记", "李组织", "赵宣传", "钱党员", "周党员", "孙预备"],
        "congress": "春季支部党员大会", "committee": "三月支委会", "place": "场部会议室",
        "agenda": "护林防火计划", "speech": "四月开始巡山", "vote": "通过防火计划",
        "resolution": "防火计划通过", "post": "三号瞭望塔先锋岗", "pledge": "本季零火情",
        "log": "瞭望塔值守八小时", "reason": "值班",
    },
}


def fill_store(store: Store, lang: str) -> dict[str, str]:
    """A branch as a clerk keeps it, in the words of ``lang``; returns the names shown in lists."""
    d: Any = DATA[lang]
    records = store.records
    records.create("branch_profile", {"name": d["branch"], "has_committee": True, "party_groups": d["groups"]},
                   author="t")
    posts = [["secretary"], ["organization"], ["propaganda"], [], [], []]
    ids = []
    for index, name in enumerate(d["members"]):
        status = "probationary" if index == 5 else "full"
        joined = "2026-01-10" if index == 5 else "2010-07-01"
        ids.append(records.create("member", {"name": name, "status": status, "posts": posts[index],
                                             "party_group": d["groups"][index % 2], "join_date": joined,
                                             "gender": "male"}, author="t").record_id)
    congress = {
        "meeting_type": "party_congress", "title": d["congress"], "starts_at": "2026-04-10T09:00",
        "ends_at": "2026-04-10T11:00", "place": d["place"], "chair_member_id": ids[0], "recorder_member_id": ids[1],
        "attendance": [{"member_id": mid, "status": "present"} for mid in ids[:4]]
        + [{"member_id": ids[4], "status": "leave", "reason": d["reason"]}],
        "agenda": [{"title": d["agenda"]}],
        "speeches": [{"speaker": d["members"][0], "member_id": ids[0], "content": d["speech"]}],
        # Typed counts that disagree with the roll: an error shown at the field, in the window's language.
        "votes": [{"subject": d["vote"], "entitled": 7, "present": 7, "yes": 4}],
        "resolutions": [{"text": d["resolution"], "vote_index": 0}],
    }
    records.create("meeting", congress, author="t")
    committee = {
        "meeting_type": "committee", "title": d["committee"], "starts_at": "2026-03-05T09:00",
        "ends_at": "2026-03-05T10:00", "place": d["place"], "chair_member_id": ids[0], "recorder_member_id": ids[1],
        "attendance": [{"member_id": mid, "status": "present"} for mid in ids[:3]],
        "agenda": [{"title": d["agenda"]}],
    }
    done = records.create("meeting", committee, author="t").record_id
    records.finalize(done, author="t")
    post = records.create("pioneer_post", {"name": d["post"], "category": "watchtower", "holder_member_ids": [ids[3]],
                                           "pledges": [{"content": d["pledge"], "owner_member_id": ids[3]}]},
                          author="t").record_id
    records.create("post_log", {"post_id": post, "member_id": ids[3], "date": "2026-05-01", "category": "watchtower",
                                "hours": "8", "description": d["log"]}, author="t")
    records.create("post_evaluation", {"post_id": post, "member_id": ids[3], "period": "2026-Q2",
                                       "evaluated_on": "2026-06-30", "score": 92}, author="t")
    return {"congress": d["congress"], "committee": d["committee"], "member": d["members"][1], "post": d["post"]}


ROSTER_WITH_MISTAKES = {
    "en": "name,status,join_date\nZhang San,full,2001-07-01\n,full,2001-07-01\nLi Si,nobody,2020-01-01\n"
          "Wang Wu,full,2020-03\n",
    "zh_CN": "姓名,党员类别,入党日期\n张三,正式党员,2001-07-01\n,正式党员,2001-07-01\n李四,群众,2020-01-01\n"
             "王五,正式党员,2020-03\n",
}


# ---------------------------------------------------------------- reading the screen


def _columns(model: Any, parent: QModelIndex) -> int:
    try:
        return int(model.columnCount(parent))
    except TypeError:  # a list model's columnCount is private in PySide6: it has one column
        return 1


def _model_texts(view: QAbstractItemView, where: str) -> Iterator[tuple[str, str]]:
    model = view.model()
    if model is None:
        return
    for orientation in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):
        root = QModelIndex()
        count = _columns(model, root) if orientation is Qt.Orientation.Horizontal else min(model.rowCount(root), 50)
        for section in range(count):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.headerData(section, orientation, role)
                if isinstance(value, str):
                    yield f"{where} header", value

    def walk(parent: QModelIndex, depth: int) -> Iterator[tuple[str, str]]:
        for row in range(min(model.rowCount(parent), 50)):
            for col in range(_columns(model, parent)):
                index = model.index(row, col, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = index.data(role)
                    if isinstance(value, str):
                        yield f"{where} cell", value
                if depth < 3 and col == 0 and isinstance(view, QTreeView) and model.rowCount(index) > 0:
                    yield from walk(index, depth + 1)

    yield from walk(QModelIndex(), 0)


def screen_texts(top: QWidget) -> list[tuple[str, str]]:
    """Every text ``top`` (a window or dialog) shows or offers, with where it was found."""
    out: list[tuple[str, str]] = [("window title", top.windowTitle())]
    for widget in [top, *top.findChildren(QWidget)]:
        if not widget.isVisibleTo(top) and widget is not top:
            continue
        if widget.objectName() in FILE_SYSTEM and isinstance(widget.window(), QFileDialog):
            continue
        name = type(widget).__name__
        if widget.toolTip():
            out.append((f"{name} tooltip", widget.toolTip()))
        if isinstance(widget, QLabel):
            out.append(("label", widget.text()))
        elif isinstance(widget, QAbstractButton):
            out.append((f"{name}", widget.text()))
            menu = getattr(widget, "menu", lambda: None)()  # a button that opens a menu (打印 ▾)
            if isinstance(menu, QMenu):
                out += [("button menu entry", a.text()) for a in menu.actions()]
                out += [("button menu tooltip", a.toolTip()) for a in menu.actions() if a.toolTip() != a.text()]
        elif isinstance(widget, QLineEdit):
            out.append(("placeholder", widget.placeholderText()))
            if widget.echoMode() is QLineEdit.EchoMode.Normal:  # a passphrase shows as dots
                out.append(("field", widget.text()))
        elif isinstance(widget, QComboBox):
            out += [("combo item", widget.itemText(i)) for i in range(widget.count())]
            line = widget.lineEdit()
            if line is not None:
                out.append(("placeholder", line.placeholderText()))
        elif isinstance(widget, QTabBar):
            out += [("tab", widget.tabText(i)) for i in range(widget.count())]
        elif isinstance(widget, QGroupBox):
            out.append(("group title", widget.title()))
        elif isinstance(widget, QTextEdit | QPlainTextEdit):
            out += [("text", widget.toPlainText()), ("placeholder", widget.placeholderText())]
        if isinstance(widget, QListWidget | QAbstractItemView):
            out += list(_model_texts(widget, name))
    if isinstance(top, QMainWindow) and top.menuBar() is not None:
        for action in top.menuBar().actions():
            out.append(("menu", action.text()))
            menu = action.menu()
            if isinstance(menu, QMenu):
                out += [("menu entry", a.text()) for a in menu.actions()]
                out += [("menu tooltip", a.toolTip()) for a in menu.actions() if a.toolTip() != a.text()]
    for action in top.actions():
        out.append(("action", action.text()))
    return [(where, text) for where, text in out if text]


def foreign(lang: str, texts: list[tuple[str, str]]) -> list[str]:
    """The texts that are not in ``lang``: Chinese in English, English words in Chinese."""
    bad = []
    for where, raw in texts:
        text = NOT_WORDS.sub(" ", TAG.sub(" ", raw))
        if text in LANGUAGE_NAMES:
            continue
        if lang == "en" and CJK.search(text):
            bad.append(f"{where}: {raw!r}")
        if lang == "zh_CN" and ENGLISH_WORDS(text):
            bad.append(f"{where}: {raw!r} ({', '.join(ENGLISH_WORDS(text))})")
    return bad


class Walk:
    """What the clerk saw on every screen of one walk, and what was not in the window's language."""

    def __init__(self, lang: str, clerk: Clerk) -> None:
        self.lang = lang
        self.clerk = clerk
        self.seen: dict[str, int] = {}
        self.problems: dict[str, list[str]] = {}

    def look(self, name: str, top: QWidget) -> None:
        settle(30)
        shots = os.environ.get("BRANCHLEDGER_WALK_SHOTS")  # a folder: each screen is saved there too
        if shots:
            file = Path(shots) / f"{self.lang}-{re.sub(r'[^A-Za-z0-9]+', '-', name).strip('-')}.png"
            QImageWriter(str(file)).write(top.grab().toImage())
        texts = screen_texts(top)
        self.seen[name] = len(texts)
        bad = foreign(self.lang, texts)
        if bad:
            self.problems[name] = sorted(set(bad))

    def answer_and_close(self, name: str) -> Any:
        """An answer for a modal dialog: read it, then close it with Escape, as a person does."""

        def answer(dialog: QWidget) -> None:
            self.look(name, dialog)
            box = dialog.findChild(QDialogButtonBox)
            cancel = box.button(QDialogButtonBox.StandardButton.Cancel) if box is not None else None
            if cancel is not None and cancel.isVisible():
                self.clerk.click(cancel)
            else:
                self.clerk.keys += 1
                QTest.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)

        return answer

    def answer_ok(self, name: str) -> Any:
        """An answer for a message box: read it, then click its (only) accepting button."""

        def answer(box: QWidget) -> None:
            self.look(name, box)
            assert isinstance(box, QMessageBox), box
            accept = next(b for b in box.buttons() if box.buttonRole(b) is QMessageBox.ButtonRole.AcceptRole)
            self.clerk.click(accept)

        return answer

    def close(self, name: str, editor: QWidget) -> None:
        """Close an editor; a question about unsaved changes is read and answered 'discard'."""

        def discard(box: QWidget) -> None:
            self.look(f"{name}: unsaved changes", box)
            self.clerk.click_button(box, tr("Dialogs", "Discard changes"))

        with self.clerk.on_dialogs(discard, optional=True):
            editor.close()
        settle(20)

    def report(self) -> str:
        return "\n".join(f"[{screen}]\n  " + "\n  ".join(lines) for screen, lines in self.problems.items())


def tr(context: str, text: str) -> str:
    """A label as the window shows it (the test finds buttons by what is written on them)."""
    return translate(context, text).replace("&", "")


PAGES = [("Workspace", "Overview"), ("Workspace", "Meetings"), ("Workspace", "Pioneer posts"),
         ("Workspace", "Members"), ("Workspace", "Sync"), ("Workspace", "Settings")]


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_translator(qapp, request.param)
    yield request.param
    install_translator(qapp, "en")


def test_every_screen_shows_one_language(language: str, tmp_path: Path, qtbot: Any, clerk: Clerk) -> None:
    store, _key = Store.create(tmp_path / "ledger", PASSPHRASE, kdf=FAST_KDF)
    names = fill_store(store, language)
    store.close()
    walk = Walk(language, clerk)

    window = ShellWindow(tmp_path / "ledger", kdf=FAST_KDF, offer_restore=False)
    qtbot.addWidget(window)
    window.show()
    walk.look("unlock", window)
    screen = window.unlock_screen
    clerk.fill(screen.passphrase, "not the passphrase")
    clerk.key(Qt.Key.Key_Return)
    wait_until(lambda: bool(screen.message.text()) and screen.passphrase.isEnabled(), 20_000, "the refusal")
    walk.look("unlock: wrong passphrase", window)
    clerk.fill(screen.passphrase, PASSPHRASE)
    clerk.key(Qt.Key.Key_Return)
    wait_until(lambda: window.workspace is not None, 20_000, "the ledger to open")
    shell = window
    assert shell.workspace is not None
    try:
        for context, page_name in PAGES:
            page = go_to(clerk, shell, tr(context, page_name))
            if page_name == "Overview":
                overview: Any = page
                wait_until(lambda o=overview: o.data is not None, 10_000, "the overview")  # type: ignore[misc]
            settle(200)
            walk.look(f"page {page_name}", shell)

        # The ledger's print dialog, from the overview.
        overview_page = go_to(clerk, shell, tr("Workspace", "Overview"))
        with clerk.on_dialog(walk.answer_and_close("print ledger dialog")):
            clerk.click(button(overview_page, tr("OverviewPage", "Print ledger…")))
        # Editors opened from the lists, and new ones from the pages' buttons.
        meetings = go_to(clerk, shell, tr("Workspace", "Meetings"))
        for key in ("congress", "committee"):
            editor = open_from_list(clerk, shell, meetings.table, names[key])
            settle(300)
            walk.look(f"meeting editor ({key})", editor)
            if key == "congress":
                with clerk.on_dialog(walk.answer_and_close("print dialog")):
                    clerk.click(button(editor, tr("EditorWindow", "Print…").rstrip("…")))
                # 定稿 is refused (typed counts disagree with the roll): the problems at their fields.
                finalize = tr("EditorWindow", "Finalize")

                def confirm(box: QWidget, finalize: str = finalize) -> None:
                    walk.look("finalize question", box)
                    clerk.click_button(box, finalize)

                with clerk.on_dialog(confirm):
                    clerk.click(button(editor, finalize))
                settle(300)
                assert editor.problems.count() > 0
                walk.look("meeting editor: finalize refused", editor)
            walk.close(key, editor)
        before = len(shell.workspace.editors)
        clerk.click(button(meetings, tr("MeetingsPage", "New meeting record")))
        editor = newest_editor(shell, before)
        settle(300)
        walk.look("new meeting editor", editor)
        walk.close("new meeting", editor)
        members = go_to(clerk, shell, tr("Workspace", "Members"))
        editor = open_from_list(clerk, shell, members.table, names["member"])
        walk.look("member editor", editor)
        walk.close("member", editor)
        # A roster sheet with mistakes: the report names each row's problem, and nothing is written.
        sheet = tmp_path / "roster.csv"
        sheet.write_text(ROSTER_WITH_MISTAKES[language], encoding="utf-8")
        with clerk.on_dialogs(clerk.open_file(str(sheet), "Open" if language == "en" else "打开"),
                              walk.answer_ok("roster import report"), timeout_ms=20_000):
            clerk.click(button(members, tr("MembersPage", "Import roster…")))
        posts = go_to(clerk, shell, tr("Workspace", "Pioneer posts"))
        editor = open_from_list(clerk, shell, posts.posts, names["post"])
        walk.look("post editor", editor)
        walk.close("post", editor)
        table = posts.posts
        clerk.click(table.viewport(), table.visualRect(table.model().index(0, 0)).center())
        settle(300)
        walk.look("post selected: work log", shell)
        for tab, label, screen in (("Work log", "New log entry", "post log editor"),
                                   ("Evaluations", "New evaluation", "evaluation editor")):
            bar = posts.tabs.tabBar()
            index = next(i for i in range(bar.count()) if bar.tabText(i) == tr("PostsPage", tab))
            clerk.click(bar, bar.tabRect(index).center())
            settle(200)
            walk.look(f"post selected: {tab}", shell)
            before = len(shell.workspace.editors)
            clerk.click(button(posts, tr("PostsPage", label)))
            editor = newest_editor(shell, before)
            walk.look(screen, editor)
            walk.close(screen, editor)

        # Enrolling without an address: the sync page says what is missing.
        sync = go_to(clerk, shell, tr("Workspace", "Sync"))
        with clerk.on_dialog(walk.answer_ok("enrol without an address")):
            clerk.click(button(sync, tr("SyncPage", "Enrol this device")))
        # The settings page's dialogs: a passphrase change with the wrong current one, then the others.
        settings: Any = go_to(clerk, shell, tr("Workspace", "Settings"))
        clerk.fill(settings.current, "not the passphrase")
        clerk.fill(settings.new.first, "a new passphrase 2026")
        clerk.fill(settings.new.second, "a new passphrase 2026")
        walk.look("settings: passphrase change typed", shell)
        with clerk.on_dialog(walk.answer_ok("passphrase change refused"), timeout_ms=20_000):
            clerk.click(settings.change_button)
        for label, screen in (("Issue a new recovery key…", "recovery key dialog"),
                              ("Edit branch profile…", "branch editor")):
            before = len(shell.workspace.editors)
            if screen == "branch editor":
                clerk.click(button(settings, tr("SettingsPage", label)))
                editor = newest_editor(shell, before)
                walk.look(screen, editor)
                walk.close(screen, editor)
            else:
                with clerk.on_dialog(walk.answer_and_close(screen)):
                    clerk.click(button(settings, tr("SettingsPage", label)))
        # The About box, from the Help menu.
        with clerk.on_dialog(walk.answer_and_close("about")):
            help_menu = next(a for a in shell.menuBar().actions() if a.text().replace("&", "") == tr("ShellWindow",
                                                                                                      "&Help"))
            clerk.click(shell.menuBar(), shell.menuBar().actionGeometry(help_menu).center())
            menu = help_menu.menu()
            assert isinstance(menu, QMenu)
            wait_until(menu.isVisible, 2000, "the Help menu")
            about = next(a for a in menu.actions() if a.text() and not a.isSeparator())
            clerk.click(menu, menu.actionGeometry(about).center())
    finally:
        shell.workspace.close_editors()
        shell.lock()

    assert walk.seen and all(walk.seen.values()), walk.seen
    assert not walk.problems, f"{language} window shows another language:\n{walk.report()}"
