"""``branch-ledger --bundle-self-check``: what the frozen program can do, checked from inside it.

The bundle leaves out what the app does not use (other languages' Qt catalogues, Qt plugins and
modules, most of ICU's data — see docs/packaging.md). This reports, from the running bundle, the
things those cuts could break, one JSON object on stdout (exit status 0 when every check passes):

* ``file_dialog``: Qt's own file dialog in Chinese (qtbase_zh_CN, loaded the way the app loads
  it) listing a folder of Chinese file names in the order a clerk expects (pinyin, numbers as
  numbers) — that order is ICU collation, through QFileSystemModel's QCollator;
* ``collation``: the same through QCollator directly, for zh_CN;
* ``codecs``: the Chinese converters (GB18030, GBK, Big5) open;
* ``time_zone``: Asia/Shanghai's Chinese name (ICU zone names; on Windows, Windows' own name);
* ``image_formats`` / ``platform``: the Qt plugins the app loads.

Printing (fonts) is checked by printing from the bundle and reading the PDF back
(tests/packaging/test_bundle.py).

Support staff can run it on a clerk's machine too (``QT_QPA_PLATFORM=offscreen`` on a machine
without a display); ``BRANCH_LEDGER_SELF_CHECK_SCREENSHOT=dialog.png`` also saves a picture of the
file dialog as it was checked.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# File names in the order the zh_CN collation gives: pinyin (a, bai, ji, li, ou, wang, zhang,
# zhao), numbers compared as numbers. Without ICU's zh data they would sort by code point
# (张 李 欧 王 白 记 赵 阿), and "记录10" before "记录9" without ICU's numeric collation.
EXPECTED_ORDER = ["阿布都.pdf", "白雪.pdf", "记录9.pdf", "记录10.pdf", "李娜.pdf", "欧阳修.pdf", "王芳.pdf",
                  "张伟.pdf", "赵敏.pdf"]


def _wait(app: Any, condition: Any, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.02)
    return False


def _file_dialog(app: Any) -> dict[str, Any]:
    from PySide6.QtWidgets import QFileDialog, QLabel, QListView, QPushButton

    with tempfile.TemporaryDirectory(prefix="branch-ledger-check-") as folder:
        for name in reversed(EXPECTED_ORDER):
            (Path(folder) / name).write_bytes(b"")
        dialog = QFileDialog(None, "", folder, "PDF (*.pdf)")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.show()
        view = dialog.findChild(QListView, "listView")
        if view is None:
            return {"ok": False, "listed": [], "texts": ["the file dialog has no list view"]}
        model = view.model()

        def names() -> list[str]:
            root = view.rootIndex()
            return [model.index(row, 0, root).data() for row in range(model.rowCount(root))]

        _wait(app, lambda: len(names()) == len(EXPECTED_ORDER))
        _wait(app, lambda: names() == EXPECTED_ORDER, 2.0)  # the model sorts on a timer
        texts = sorted({w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QPushButton)
                        if w.text()})
        listed = names()
        shot = os.environ.get("BRANCH_LEDGER_SELF_CHECK_SCREENSHOT")  # a PNG of the dialog, to look at
        if shot:
            dialog.grab().save(shot)
        dialog.close()
    translated = {"查找范围(&L)：", "文件类型(&T)：", "取消"} <= set(texts)  # "Look in:", "Files of type:", "Cancel"
    return {"ok": listed == EXPECTED_ORDER and translated, "listed": listed, "texts": texts}


def run() -> int:
    from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone
    from PySide6.QtGui import QGuiApplication, QImageReader
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.i18n import install_translator

    app = QApplication.instance() or QApplication(["branch-ledger"])
    install_translator(app, "zh_CN")
    report: dict[str, Any] = {"platform": {"ok": bool(QGuiApplication.platformName()),
                                           "name": QGuiApplication.platformName()}}
    report["file_dialog"] = _file_dialog(app)
    collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    collator.setNumericMode(True)
    ordered = sorted(reversed(EXPECTED_ORDER), key=functools.cmp_to_key(collator.compare))
    report["collation"] = {"ok": ordered == EXPECTED_ORDER, "sorted": ordered}
    codecs = {name: QStringDecoder(name).isValid() for name in ("GB18030", "GBK", "Big5")}
    report["codecs"] = {"ok": all(codecs.values()), **codecs}
    zone = QTimeZone(b"Asia/Shanghai").displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName,
                                                   QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    # From ICU's zone names on Linux; Windows names zones itself, in the language of its own UI.
    report["time_zone"] = {"ok": zone == "中国标准时间" or (bool(zone) and not sys.platform.startswith("linux")),
                           "name": zone}
    formats = sorted(bytes(f.data()).decode() for f in QImageReader.supportedImageFormats())
    report["image_formats"] = {"ok": {"ico", "jpg", "png"} <= set(formats), "formats": formats}
    report["ok"] = all(part["ok"] for part in report.values() if isinstance(part, dict))
    print(json.dumps(report, ensure_ascii=False))
    return 0 if report["ok"] else 1

