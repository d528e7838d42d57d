"""Log files and crash reports for the desktop client (GUI and CLI alike; Qt-free).

``setup(program)`` is called once at start by ``branch-ledger`` (``program="cli"``) and by the GUI
(``"gui"``). It gives:

* a rotating log file ``branch-ledger-<program>.log`` (1 MiB × 5) in the user's log directory
  (``platformdirs``: ``~/.local/state/BranchLedger/log`` on Linux, ``%LOCALAPPDATA%\\BranchLedger\\Logs``
  on Windows; ``$BRANCH_LEDGER_LOG_DIR`` overrides it). One file per program, because the GUI and
  a scheduled ``branch-ledger sync`` run at the same time and must not rotate each other's file;
* ``sys.excepthook`` and ``threading.excepthook`` that write a crash report
  ``crash-<time>-<program>.txt`` there and then call ``on_crash`` (the GUI shows a Chinese message);
* ``faulthandler`` writing a hard crash's Python stacks (a segfault in Qt) to
  ``faulthandler-<program>.log``.

What is written is metadata: events, counts, exception types and places. Passphrases, keys and
tokens are never passed to a logger, and record text is not either. As a second line of defence
every line and crash report goes through :func:`redact`, which drops quoted values (where record
text and secrets appear in exception messages), pydantic's ``input_value=…``, anything shaped like
a recovery key, a raw key or a token, and any non-ASCII text (record text is Chinese; the log's
own wording is not). tests/packaging/test_logs.py greps the files after a
scripted session (create, import, sync, GUI unlock) for each secret and for record text.
"""

from __future__ import annotations

import datetime as dt
import faulthandler
import logging
import logging.handlers
import os
import platform
import re
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import platformdirs

from branch_ledger import APP_NAME, __version__

LOG_DIR_ENV = "BRANCH_LEDGER_LOG_DIR"
MAX_BYTES = 1024 * 1024
BACKUPS = 5

log = logging.getLogger("branch_ledger")

CrashCallback = Callable[[Path, BaseException], None]

_REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    # pydantic: "input_value='王建华同志传达…', input_type=str"
    (re.compile(r"input_value=.*?(?=, input_type=|\]|$)"), "input_value=<redacted>"),
    # quoted values in exception messages: KeyError('…'), near "…": syntax error
    (re.compile(r"'(?:[^'\\]|\\.){2,}'"), "'<redacted>'"),
    (re.compile(r'"(?:[^"\\]|\\.){2,}"'), '"<redacted>"'),
    # recovery keys and enrolment codes (groups of four), raw keys in hex, bearer and URL-safe tokens
    (re.compile(r"\b[0-9A-Za-z]{4}(?:-[0-9A-Za-z]{4}){3,}\b"), "<redacted-code>"),
    (re.compile(r"(?i)\b[0-9a-f]{32,}\b"), "<redacted-hex>"),
    (re.compile(r"(?i)\bbearer\s+\S+"), "Bearer <redacted>"),
    (re.compile(r"(?=[\w-]*\d)(?=[\w-]*[A-Z])(?=[\w-]*[a-z])(?<![\w-])[A-Za-z0-9_-]{24,}"), "<redacted-token>"),
    # Record text is Chinese, and our own diagnostics are ASCII: any other run of non-ASCII text in
    # a message (an unquoted value in some library's exception) is dropped.
    (re.compile(r"[^\x00-\x7f]+"), "…"),
)
# A traceback's 'File "/path/x.py", line 12, in f' keeps its path; the rest of the line is redacted.
_TRACEBACK_FILE = re.compile(r'^\s*File "[^"]*", line \d+')

_state: dict[str, Any] = {}


def log_dir() -> Path:
    """Where the log files and crash reports go (created on first use)."""
    override = os.environ.get(LOG_DIR_ENV)
    path = Path(override).expanduser() if override else Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    return path


def redact(text: str) -> str:
    """``text`` without quoted values and without anything shaped like a key or a token."""
    return "\n".join(_redact_line(line) for line in text.split("\n"))


def _redact_line(line: str) -> str:
    match = _TRACEBACK_FILE.match(line)
    keep, rest = (line[: match.end()], line[match.end():]) if match else ("", line)
    for pattern, replacement in _REDACTIONS:
        rest = pattern.sub(replacement, rest)
    return keep + rest


class RedactingFormatter(logging.Formatter):
    """Formats as usual (traceback included), then redacts the whole line."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup(program: str, *, on_crash: CrashCallback | None = None, level: int = logging.INFO) -> Path | None:
    """Start logging for ``program`` ("cli" or "gui"); returns the log file, or None if unwritable.

    Safe to call again (a test, or the CLI opening the GUI): the handlers are replaced, not added.
    A log directory that cannot be written never stops the program.
    """
    directory = log_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            directory / f"branch-ledger-{program}.log", maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(RedactingFormatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in _state.get("handlers", []):
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("urllib3").setLevel(logging.WARNING)  # its DEBUG lines name every URL
    _state["handlers"] = [handler]
    _state["program"] = program
    _state["on_crash"] = on_crash
    _enable_faulthandler(directory / f"faulthandler-{program}.log")
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
    log.info("%s %s start: Python %s on %s, frozen=%s", program, __version__, platform.python_version(),
             platform.platform(), bool(getattr(sys, "frozen", False)))
    return Path(handler.baseFilename)  # type: ignore[attr-defined]


def set_crash_callback(on_crash: CrashCallback | None) -> None:
    """Who is told after a crash report was written (the GUI's message box; None: nobody)."""
    _state["on_crash"] = on_crash


def _enable_faulthandler(path: Path) -> None:
    old: IO[str] | None = _state.pop("fault_file", None)
    try:
        fault_file = open(path, "a", encoding="utf-8")  # noqa: SIM115  (must stay open for the process' life)
    except OSError:
        return
    faulthandler.enable(file=fault_file, all_threads=True)
    _state["fault_file"] = fault_file
    if old is not None:
        old.close()


def write_crash_report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None,
                       *, thread: str | None = None) -> Path | None:
    """Write a redacted report of an uncaught exception; returns its path (None if unwritable)."""
    program = _state.get("program", "cli")
    now = dt.datetime.now()
    lines = [
        f"{APP_NAME} {__version__} ({program}) crash report, {now.isoformat(timespec='seconds')}",
        f"Python {platform.python_version()} on {platform.platform()}; frozen={bool(getattr(sys, 'frozen', False))}",
        f"thread: {thread or threading.current_thread().name}",
        "",
        redact("".join(traceback.format_exception(exc_type, exc, tb))),
    ]
    path = log_dir() / f"crash-{now:%Y%m%d-%H%M%S-%f}-{os.getpid()}-{program}.txt"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines), encoding="utf-8")
    except OSError:
        return None
    return path


def _report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, thread: str | None) -> None:
    log.critical("uncaught %s in %s", exc_type.__name__, thread or "main thread", exc_info=(exc_type, exc, tb))
    path = write_crash_report(exc_type, exc, tb, thread=thread)
    callback: CrashCallback | None = _state.get("on_crash")
    if callback is not None and path is not None:
        try:
            callback(path, exc)
        except Exception:  # the crash dialog must never turn one error into two
            log.exception("crash callback failed")


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    _report(exc_type, exc, tb, None)
    if _state.get("on_crash") is None:
        # No window to tell: say it on stderr, without the traceback's values.
        print(f"程序出现意外错误：{exc_type.__name__}: {redact(str(exc))}\n错误报告已保存在 {log_dir()}",
              file=sys.stderr)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    name = args.thread.name if args.thread is not None else "thread"
    _report(args.exc_type, args.exc_value, args.exc_traceback, name)


def shutdown() -> None:
    """Undo :func:`setup`: handlers removed, the default exception hooks back, faulthandler off."""
    root = logging.getLogger()
    for handler in _state.pop("handlers", []):
        root.removeHandler(handler)
        handler.close()
    sys.excepthook = sys.__excepthook__
    threading.excepthook = threading.__excepthook__
    fault_file: IO[str] | None = _state.pop("fault_file", None)
    if fault_file is not None:
        faulthandler.disable()
        fault_file.close()
    _state.pop("on_crash", None)
