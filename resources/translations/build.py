"""Collect every translatable string from the source, refresh both catalogs and compile them.

    python resources/translations/build.py          # extract, merge (keeps translations), compile
    python resources/translations/build.py --check  # fail if a translation is missing or a .mo is stale

One catalog per shown language, gettext ``.po`` files (edit them with any PO editor — Poedit,
Lokalize — or by hand): ``zh_CN.po`` and ``en.po`` each hold every message (context + source
text); a message needs a Chinese translation when its source has English words and an English
one when its source has Chinese. The compiled ``.mo`` files are committed, so running the app
needs neither this script nor Babel (the standard library's :mod:`gettext` reads them, see
:mod:`domain.i18n`). Babel (a test dependency) extracts and writes the catalogs.

What is collected: ``translate("Ctx", "...")`` / ``QT_TRANSLATE_NOOP`` in the window; ``t("…")``,
``pt("Ctx", "…")`` anywhere; ``error(path, code, "…")`` / ``warning(…)`` in the rule modules; and
the labels of every domain enum (context: the enum's name) and record field (context ``field``);
``t``/``pt`` in head office's console templates (:data:`TEMPLATES`, Jinja's Babel extractor).
The check also fails on a Chinese string literal outside ``t``/``pt``/``N_`` in the command-line
and console modules (:data:`GUARDED`). ``tests/ui/test_translations.py`` and ``tests/cli/test_cli_language.py``
run the check.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LANGUAGES = ("zh_CN", "en")
# The catalogs carry no dates, so building twice gives the same bytes (the check compares them).
_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

# Which call names carry a message, per source tree: (folder or file, Babel keyword specs).
_GENERAL = {"t": (1,), "pt": ((1, "c"), 2), "N_": (1,), "_words": (1,)}
_QT = {"translate": ((1, "c"), 2), "QT_TRANSLATE_NOOP": ((1, "c"), 2)}
_RULES = {"error": (3,), "warning": (3,)}
SOURCES: tuple[tuple[str, dict[str, tuple[object, ...]]], ...] = (
    ("desktop_app/ui", {**_QT, **_GENERAL}),
    ("desktop_app/app.py", {**_QT, **_GENERAL}),
    ("desktop_app", _GENERAL),
    ("domain/rules", {**_GENERAL, **_RULES}),
    ("domain", _GENERAL),
    ("sync", _GENERAL),
    ("printing", _GENERAL),
    ("branch_ledger", _GENERAL),
)
# Jinja templates (head office's web console), read by Jinja's own Babel extractor: t("…") and
# pt("ctx", "…") there are the same functions (web.py makes them template globals).
TEMPLATES = (("resources/console/templates", _GENERAL),)
_JINJA_OPTIONS = {"trim_blocks": "true", "lstrip_blocks": "true", "silent": "false"}

# Chinese characters and punctuation; 〓 (U+3013) is the mark printed for a missing glyph, not a word.
CJK = re.compile(r"[\u3000-\u3012\u3014-\u303f\u4e00-\u9fff\uff00-\uffef]")
# Words allowed in the Chinese UI: names and formats the clerk uses as they are.
ALLOWED_LATIN = {
    "BranchLedger", "PDF", "CSV", "Excel", "Word", "PowerPoint", "JPEG", "HEIC",
    "URL", "HTTPS", "HTTP", "TLS", "SQLCipher", "PNG", "ID", "Qt",
    "Windows", "Linux", "macOS", "UOS", "USB", "xlsx", "csv", "pdf", "json", "JSON", "OK", "AES", "Ctrl", "CA",
    "PEM", "pem", "crt", "cer", "txt", "backups", "KB", "MB", "GB", "UTF", "GBK", "DOCX", "PPTX", "XLSX", "ZIP",
    # proper names: the bundled fonts and their licence
    "Noto", "Serif", "CJK", "SIL", "OFL", "DejaVu", "Sans", "Python", "Shift", "Esc", "Tab", "Enter", "PgUp", "PgDn",
}
# Placeholders, markup, addresses and file names (ledger.keys) are not words of a language.
_PLACEHOLDER = re.compile(
    r"\{[^{}]*\}|%\d+|%[sdr]|%\([a-z_]+\)[sdr]|<[^>]+>|&(?=\w)|&[a-z]+;|https?://\S*|\b\w+\.\w+\b"
)


def english_words(text: str) -> list[str]:
    """Latin words in ``text`` that a Chinese reader should not see (placeholders and allowed terms removed)."""
    stripped = _PLACEHOLDER.sub(" ", text)
    return [w for w in re.findall(r"[A-Za-z]{2,}", stripped) if w not in ALLOWED_LATIN]


def needs(lang: str, source: str, context: str | None = None) -> bool:
    """Whether a message written as ``source`` must be translated to be shown in ``lang``. The
    command line's Chinese help names its commands and values (``minutes``, ``yes``) as they are
    typed, so there English words are not a missing translation (tests/cli checks that help)."""
    if lang == "zh_CN":
        return bool(english_words(source)) and not (context or "").startswith("cli")
    return bool(CJK.search(source))


def _files() -> Iterator[tuple[Path, dict[str, tuple[object, ...]]]]:
    seen: set[Path] = set()
    for where, keywords in SOURCES:
        base = ROOT / where
        for path in sorted([base] if base.is_file() else base.rglob("*.py")):
            if path not in seen and "__pycache__" not in path.parts:
                seen.add(path)
                yield path, keywords


def _labelled() -> Iterator[tuple[str, str]]:
    """(context, Chinese label) of every domain enum member and record field."""
    sys.path.insert(0, str(ROOT))
    from domain import enums
    from domain.labels import FIELD_LABELS, FIELD_WORDS

    for enum_name, labels in enums._LABELS.items():
        for text in labels.values():
            yield enum_name, text
    for text in sorted({*FIELD_LABELS.values(), *FIELD_WORDS}):
        yield "field", text


def extract() -> list[tuple[str | None, str]]:
    """Every (context, source text) the program can show, in a stable order."""
    found: dict[tuple[str | None, str], None] = {}
    for path, keywords in _files():
        for _line, message, _comments, context in extract_from_file(
            "python", str(path), keywords=keywords, comment_tags=(), options={}, strip_comment_tags=False
        ):
            if isinstance(message, str) and message:
                found[(context, message)] = None
    for folder, keywords in TEMPLATES:
        for path in sorted((ROOT / folder).glob("*.html")):
            for _line, message, _comments, context in extract_from_file(
                "jinja2.ext:babel_extract", str(path), keywords=keywords, comment_tags=(), options=_JINJA_OPTIONS,
                strip_comment_tags=False,
            ):
                if isinstance(message, str) and message:
                    found[(context, message)] = None
    for context, text in _labelled():
        found[(context, text)] = None
    return sorted(found, key=lambda key: (key[0] or "", key[1]))


def po_path(lang: str) -> Path:
    return HERE / f"{lang}.po"


def mo_path(lang: str) -> Path:
    return HERE / f"{lang}.mo"


def read(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return _dated(Catalog(locale=lang, project="BranchLedger"))
    with path.open("rb") as handle:
        return _dated(read_po(handle, locale=lang))


def _dated(catalog: Catalog) -> Catalog:
    catalog.creation_date = catalog.revision_date = _EPOCH
    return catalog


def merged(lang: str, messages: list[tuple[str | None, str]]) -> Catalog:
    """The catalog for ``lang`` holding exactly ``messages``, with the translations it already had."""
    old = read(lang)
    new = _dated(Catalog(locale=lang, project="BranchLedger", fuzzy=False))
    for context, text in messages:
        before = old.get(text, context=context)
        translation = before.string if before is not None and isinstance(before.string, str) else ""
        new.add(text, translation, context=context)
    return new


def po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=0, omit_header=True, sort_output=True, no_location=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def problems_in(lang: str, catalog: Catalog) -> list[str]:
    """Messages ``lang`` cannot show as written and has no (clean) translation for."""
    out: list[str] = []
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        source, shown = message.id, message.string if isinstance(message.string, str) else ""
        where = f"{lang} [{message.context or ''}] {source!r}"
        if needs(lang, source, message.context) and not shown:
            out.append(f"untranslated: {where}")
        elif shown and lang == "en" and CJK.search(shown):
            out.append(f"Chinese in the English translation: {where} → {shown!r}")
        elif shown and lang == "zh_CN" and english_words(shown) and not (message.context or "").startswith("cli"):
            out.append(f"English in the Chinese translation: {where} → {shown!r}")
    return out


# Modules whose every Chinese string literal must go through the catalog (``t``/``pt``/``N_``): the
# client and head-office command lines and what they print. A literal anywhere else in them (an f-string in a
# print, a dict of labels) would show Chinese to an English clerk, so the check names it.
GUARDED = (
    "desktop_app/cli.py", "desktop_app/cli_text.py", "desktop_app/cli_session.py", "desktop_app/store_cli.py",
    "desktop_app/sync_cli.py", "desktop_app/ledger_cli.py", "desktop_app/print_cli.py",
    "desktop_app/attachments_cli.py", "desktop_app/transfer.py", "desktop_app/operations/transfer.py",
    "desktop_app/compliance_query.py", "desktop_app/store/record_ids.py", "domain/compliance/render.py",
    # branch-ledger-hq and what it prints
    "branch_ledger/cli_language.py", "sync/server/cli.py", "sync/server/orgs.py", "sync/server/admin_tokens.py",
    "sync/server/keyfile.py", "sync/server/identity.py", "sync/server/secrets_util.py", "sync/server/terminal.py",
    "sync/server/reports.py", "sync/server/blobstore_s3.py",
)
# Head office's web console (issue 12) likewise; the minutes document is Chinese by design, and
# language.py names each language in itself (the header's switch).
GUARDED += tuple(f"sync/server/console/{p.name}" for p in sorted((ROOT / "sync/server/console").glob("*.py"))
                 if p.name not in ("minutes_view.py", "language.py"))
_MARKERS = {"t", "pt", "N_", "_words"}


def literals_outside_catalog(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each Chinese string literal in ``path`` that is neither a message of a
    catalog call (``t("…")``, ``pt("ctx", "…")``, ``N_("…")``) nor a docstring."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in _MARKERS:
                allowed.update(id(sub) for arg in node.args[:2] for sub in ast.walk(arg))
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                allowed.add(id(first.value))
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value)
        and id(node) not in allowed
    )


def guarded_problems() -> list[str]:
    return [f"Chinese outside the catalog: {where}:{line}: {text!r} (wrap it in t()/pt())"
            for where in GUARDED for line, text in literals_outside_catalog(ROOT / where)]


def build() -> list[str]:
    messages = extract()
    problems: list[str] = []
    for lang in LANGUAGES:
        catalog = merged(lang, messages)
        po_path(lang).write_bytes(po_bytes(catalog))
        mo_path(lang).write_bytes(mo_bytes(read(lang)))
        problems += problems_in(lang, catalog)
    return problems


def check() -> list[str]:
    """Problems: a message missing from a catalog, a missing translation, a stale compiled ``.mo``."""
    messages = extract()
    problems: list[str] = []
    for lang in LANGUAGES:
        catalog = merged(lang, messages)
        if not po_path(lang).exists() or po_path(lang).read_bytes() != po_bytes(catalog):
            problems.append(f"{lang}.po is not up to date with the source: run python resources/translations/build.py")
        if not mo_path(lang).exists() or mo_path(lang).read_bytes() != mo_bytes(read(lang)):
            problems.append(f"{lang}.mo is stale: run python resources/translations/build.py")
        problems += problems_in(lang, catalog)
    return problems + guarded_problems()


if __name__ == "__main__":
    found = check() if "--check" in sys.argv else build()
    print("\n".join(found) or "translations OK")
    raise SystemExit(1 if found and "--check" in sys.argv else 0)
