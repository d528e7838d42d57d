"""Full-text search over a subtree's records, on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

Chinese has no spaces, and neither engine's stock tokenizer splits it into words. Both get the
same document instead: the text rewritten as a sequence of tokens — every overlapping pair of
CJK characters (bigram), the last character of each CJK run on its own, and each run of letters
or digits as a lower-cased word. A search term becomes the same tokens, searched as a *phrase*
(adjacent tokens), which for a term of two or more CJK characters is exactly "the text contains
this substring". A one-character term matches tokens starting with it. Every whitespace-separated
term must match (AND), as on the client.

The documents live in ``console_search`` (created per engine by migration 0003_console), one per
(branch, record), and are written by the indexer; queries are restricted to the branches the user
may see and answer (branch, record) pairs, since record ids are per branch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, text

_WORD = re.compile(r"[0-9A-Za-z]+")
MAX_TERMS = 8
MAX_DOC_TOKENS = 200_000


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3134F


def _runs(text_value: str) -> Iterable[tuple[str, str]]:
    """(``"cjk"`` | ``"word"``, run) in order; everything else separates runs."""
    cjk: list[str] = []
    word: list[str] = []
    for char in text_value:
        if _is_cjk(char):
            if word:
                yield "word", "".join(word)
                word = []
            cjk.append(char)
        elif char.isascii() and char.isalnum():
            if cjk:
                yield "cjk", "".join(cjk)
                cjk = []
            word.append(char)
        else:
            if cjk:
                yield "cjk", "".join(cjk)
                cjk = []
            if word:
                yield "word", "".join(word)
                word = []
    if cjk:
        yield "cjk", "".join(cjk)
    if word:
        yield "word", "".join(word)


def _tokens(text_value: str) -> list[str]:
    out: list[str] = []
    for kind, run in _runs(text_value):
        if kind == "word":
            out.append(run.lower())
            continue
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
        out.append(run[-1])
    return out


def document(text_value: str) -> str:
    """The search document of a record's text (space-separated tokens)."""
    return " ".join(_tokens(text_value)[:MAX_DOC_TOKENS])


def query_terms(query: str) -> list[tuple[list[str], bool]]:
    """Each term as (tokens to match as a phrase, last token is a prefix)."""
    out: list[tuple[list[str], bool]] = []
    for term in query.split()[:MAX_TERMS]:
        tokens: list[str] = []
        prefix = False
        runs = list(_runs(term))
        for index, (kind, run) in enumerate(runs):
            last = index == len(runs) - 1
            if kind == "word":
                tokens.append(run.lower())
                prefix = last
            elif len(run) == 1:
                tokens.append(run)
                prefix = last
            else:
                tokens.extend(run[i:i + 2] for i in range(len(run) - 1))
                prefix = False
        if tokens:
            out.append((tokens, prefix))
    return out


def _fts5_query(terms: Sequence[tuple[list[str], bool]]) -> str:
    parts = []
    for tokens, prefix in terms:
        phrase = '"' + " ".join(t.replace('"', '""') for t in tokens) + '"'
        parts.append(phrase + ("*" if prefix else ""))
    return " AND ".join(parts)


def _pg_query(terms: Sequence[tuple[list[str], bool]]) -> str:
    parts = []
    for tokens, prefix in terms:
        quoted = ["'" + t.replace("'", "''") + "'" for t in tokens]
        if prefix:
            quoted[-1] += ":*"
        parts.append("(" + " <-> ".join(quoted) + ")")
    return " & ".join(parts)


def write_documents(conn: Connection, branch_id: str, rows: Sequence[tuple[str, str]]) -> None:
    """Replace the documents of ``rows`` = (record_id, text) of one branch; empty text removes one.

    Documents are keyed by (branch, record) like the ledger: another branch's record of the same
    id has a document of its own, which this never touches.
    """
    if not rows:
        return
    ids = [r[0] for r in rows]
    if conn.dialect.name == "postgresql":
        conn.execute(text("DELETE FROM console_search WHERE branch_id = :b AND record_id = ANY(:ids)"),
                     {"b": branch_id, "ids": ids})
        values = [{"r": rid, "b": branch_id, "d": document(body)} for rid, body in rows if body]
        if values:
            conn.execute(
                text("INSERT INTO console_search (branch_id, record_id, doc)"
                     " VALUES (:b, :r, to_tsvector('simple', :d))"),
                values,
            )
        return
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join(f":i{n}" for n in range(len(chunk)))
        params: dict[str, object] = {f"i{n}": rid for n, rid in enumerate(chunk)}
        params["b"] = branch_id
        conn.execute(
            text(f"DELETE FROM console_search WHERE rowid IN (SELECT doc_rowid FROM console_search_rowids"
                 f" WHERE branch_id = :b AND record_id IN ({marks}))"),
            params,
        )
        conn.execute(text(f"DELETE FROM console_search_rowids WHERE branch_id = :b AND record_id IN ({marks})"),
                     params)
    for rid, body in rows:
        if not body:
            continue
        result = conn.execute(
            text("INSERT INTO console_search (doc, record_id, branch_id) VALUES (:d, :r, :b)"),
            {"d": document(body), "r": rid, "b": branch_id},
        )
        conn.execute(
            text("INSERT INTO console_search_rowids (branch_id, record_id, doc_rowid) VALUES (:b, :r, :n)"),
            {"b": branch_id, "r": rid, "n": result.lastrowid},
        )


def search_hits(conn: Connection, query: str, branch_ids: Sequence[str] | None,
                limit: int = 200) -> list[tuple[str, str]]:
    """(branch_id, record_id) of the records whose text matches every term of ``query``, within
    ``branch_ids`` (None: all). A record is named by both: ids are per branch."""
    terms = query_terms(query)
    if not terms or (branch_ids is not None and not branch_ids):
        return []
    if conn.dialect.name == "postgresql":
        sql = "SELECT branch_id, record_id FROM console_search WHERE doc @@ to_tsquery('simple', :q)"
        params: dict[str, object] = {"q": _pg_query(terms), "limit": limit}
        if branch_ids is not None:
            sql += " AND branch_id = ANY(:branches)"
            params["branches"] = list(branch_ids)
    else:
        sql = "SELECT branch_id, record_id FROM console_search WHERE console_search MATCH :q"
        params = {"q": _fts5_query(terms), "limit": limit}
        if branch_ids is not None:
            marks = ",".join(f":b{n}" for n in range(len(branch_ids)))
            sql += f" AND branch_id IN ({marks})"
            params.update({f"b{n}": b for n, b in enumerate(branch_ids)})
    return [(str(b), str(r)) for b, r in conn.execute(text(sql + " LIMIT :limit"), params).all()]
