"""A roster sheet typed by people (CSV or Excel) read into member bodies, checked row by row.

Shared by the desktop client's roster import and head office's roster upload (issue 13), so a
sheet means the same thing at both ends. Qt-free and server-free; file formats only.

Accepted headers (Chinese, as branch clerks keep them; English names also work):
姓名 (required), 性别, 党员类别, 入党日期, 党小组, 职务, and optionally 出生日期, 转正日期, 联系电话,
单位, 备注. ``职务`` holding a branch post (支部书记, 组织委员 …) fills the member's posts; anything
else (林场场长, 护林员) is their job, printed on sign-in sheets. CSV may be UTF-8 (with or
without BOM) or GB18030 (what Excel on Chinese Windows saves). Excel needs openpyxl.

Every row is checked by the domain's own validation, and every problem is reported with its line
number, so callers can refuse the whole sheet (all-or-nothing) and show what to fix.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.dates import DateTextError
from domain.dates import parse_date as parse_day
from domain.enums import BranchPost, Gender, MemberStatus
from domain.errors import LedgerError
from domain.i18n import t
from domain.validation import validate_record
from domain.violations import Severity

HEADERS: dict[str, str] = {
    "姓名": "name",
    "name": "name",
    "性别": "gender",
    "gender": "gender",
    "党员类别": "status",
    "类别": "status",
    "status": "status",
    "入党日期": "join_date",
    "入党时间": "join_date",
    "join_date": "join_date",
    "党小组": "party_group",
    "所在党小组": "party_group",
    "party_group": "party_group",
    "职务": "role",
    "支部职务": "role",
    "role": "role",
    "出生日期": "birth_date",
    "birth_date": "birth_date",
    "转正日期": "full_member_date",
    "转正时间": "full_member_date",
    "full_member_date": "full_member_date",
    "联系电话": "phone",
    "电话": "phone",
    "phone": "phone",
    "单位": "unit",
    "工作单位": "unit",
    "unit": "unit",
    "备注": "note",
    "note": "note",
}
_POST_ALIASES = {"书记": BranchPost.SECRETARY, "组长": BranchPost.GROUP_LEADER, "委员": BranchPost.COMMITTEE_MEMBER}


class RosterFormatError(LedgerError, ValueError):
    """The file cannot be read as a roster at all (wrong type, no 姓名 column); Chinese message."""


@dataclass
class RosterRow:
    line: int
    data: dict[str, Any]


@dataclass
class RosterParse:
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line number, Chinese message)
    party_groups: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_table(path: Path) -> list[list[Any]]:
    """All rows of the first sheet (Excel) or of the CSV, as lists of cell values."""
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv", ".txt"):
        raise RosterFormatError(t("只能导入 CSV（.csv）或 Excel（.xlsx）文件"))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RosterFormatError(t("无法读取文件：{os_reason}", os_reason=_os_reason(exc))) from exc
    return read_table_bytes(data, path.name)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return t("文件不存在")
    if isinstance(exc, PermissionError):
        return t("没有读取这个文件的权限")
    if isinstance(exc, IsADirectoryError):
        return t("这是一个文件夹，不是文件")
    return t("磁盘读取出错")


def read_table_bytes(data: bytes, filename: str) -> list[list[Any]]:
    """The same for a file's content (an upload): the name's suffix says which format it is."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            import openpyxl
        except ImportError as exc:  # pragma: no cover - openpyxl is a declared dependency
            raise RosterFormatError(t("读取 Excel 文件需要 openpyxl，请另存为 CSV 后导入")) from exc
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file (never shown raw)
            raise RosterFormatError(
                t("无法读取 Excel 文件：文件已损坏，或不是 .xlsx 格式（可在 Excel 中另存为 .xlsx 或 CSV）")
            ) from exc
        try:
            sheet = book.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    if suffix in (".csv", ".txt"):
        raw = data
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise RosterFormatError(t("无法识别 CSV 文件的编码（应为 UTF-8 或 GBK）"))
        dialect: type[csv.Dialect] | csv.Dialect = csv.excel
        with contextlib.suppress(csv.Error):
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t，")
        return [row for row in csv.reader(io.StringIO(text), dialect)]
    raise RosterFormatError(t("只能导入 CSV（.csv）或 Excel（.xlsx）文件"))


def parse_date(value: Any) -> str | Any | None:
    """ISO date for any date form :mod:`domain.dates` reads (2020-01-02, 2020/1/2, 2020.1.2,
    20200102, 2020年1月2日) or an Excel date cell; other text is kept as it is, so validation names
    it with the reason (a partial date is never completed with a guessed day)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = str(int(value)) if float(value).is_integer() else str(value)  # 19880315 typed as a number
    else:
        text = str(value).strip()
    try:
        return parse_day(text).isoformat()
    except DateTextError:
        return text  # left for validation to name


def _enum_code(enum_cls: Any, value: str, aliases: dict[str, Any] | None = None) -> str | None:
    text = value.strip()
    if not text:
        return None
    for alias, member in (aliases or {}).items():
        if text == alias:
            return str(member.value)
    try:
        return str(enum_cls.from_label(text).value)
    except ValueError:
        return text  # left for validation to name


def row_to_member(cells: dict[str, Any]) -> dict[str, Any]:
    text = {k: ("" if v is None else str(v).strip()) for k, v in cells.items()}
    data: dict[str, Any] = {"name": text.get("name", "")}
    if text.get("gender"):
        data["gender"] = _enum_code(Gender, text["gender"])
    if text.get("status"):
        data["status"] = _enum_code(
            MemberStatus, text["status"], {"正式": MemberStatus.FULL, "预备": MemberStatus.PROBATIONARY}
        )
    for key in ("join_date", "birth_date", "full_member_date"):
        if key in cells:
            parsed = parse_date(cells[key])
            if parsed:
                data[key] = parsed
    for key in ("party_group", "phone", "unit", "note"):
        if text.get(key):
            data[key] = text[key]
    posts: list[str] = []
    jobs: list[str] = []
    for part in re.split(r"[、,，;；/ ]+", text.get("role", "")):
        if not part:
            continue
        post = _POST_ALIASES.get(part)
        if post is None:
            try:
                post = BranchPost(BranchPost.from_label(part))
            except ValueError:
                post = None
        if post is not None:
            posts.append(post.value)
        else:
            jobs.append(part)
    if posts:
        data["posts"] = posts
    if jobs and not data.get("unit"):
        data["unit"] = "、".join(jobs)
    return data


def parse_roster(path: Path, progress: Callable[[int, int, str], None] | None = None) -> RosterParse:
    """Read and check every row; nothing is written here."""
    return parse_table(read_table(Path(path)), progress)


def parse_table(table: list[list[Any]], progress: Callable[[int, int, str], None] | None = None) -> RosterParse:
    """Check every row of a table read by :func:`read_table`; nothing is written here."""
    result = RosterParse()
    header_index = next((i for i, row in enumerate(table) if any(str(c or "").strip() for c in row)), None)
    if header_index is None:
        raise RosterFormatError(t("文件是空的"))
    headers = [
        HEADERS.get(str(c or "").strip().lower(), HEADERS.get(str(c or "").strip(), "")) for c in table[header_index]
    ]
    if "name" not in headers:
        raise RosterFormatError(t("第一行应为表头，且必须有“姓名”列"))
    body = table[header_index + 1 :]
    seen: dict[str, int] = {}
    for offset, row in enumerate(body):
        line = header_index + offset + 2
        if not any(str(c or "").strip() for c in row):
            continue
        cells = {headers[i]: row[i] for i in range(min(len(headers), len(row))) if headers[i]}
        data = row_to_member(cells)
        _body, violations = validate_record("member", data)
        errors = [v for v in violations if v.severity is Severity.ERROR]
        for v in errors:
            result.problems.append((line, v.message))
        name = data.get("name", "")
        if name and name in seen:
            result.problems.append((line, t("姓名“{name}”与第 {line} 行重复", name=name, line=seen[name])))
        seen[name] = line
        if not errors:
            result.rows.append(RosterRow(line, data))
            group = data.get("party_group")
            if group and group not in result.party_groups:
                result.party_groups.append(group)
        if progress is not None and offset % 50 == 0:
            progress(offset, len(body), "")
    if not result.rows and not result.problems:
        result.problems.append((header_index + 2, t("没有找到任何党员")))
    return result


def problems_text(problems: Iterable[tuple[int, str]]) -> str:
    return "\n".join(t("第 {line} 行：{message}", line=line, message=message) for line, message in problems)
