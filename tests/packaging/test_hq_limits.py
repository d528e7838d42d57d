"""``serve``'s rate limits as an administrator sets them: enrolment is limited per client address
by default (a guessed code costs a guesser time), and ``--enrol-per-minute 0`` lifts the limit —
what a benchmark or a mass roll-out behind one NAT address needs."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from tests.packaging.hq_process import HqProcess

ATTEMPTS = 14  # more than the default 10 a minute


def _statuses(server: HqProcess) -> list[int]:
    body = json.dumps({"code": "WRONG-CODE", "device_name": "x", "public_key": "AAAA"})
    return [requests.post(server.base_url + "/v1/enrol", data=body, timeout=30,
                          headers={"Content-Type": "application/json"}).status_code for _ in range(ATTEMPTS)]


def test_enrolment_is_rate_limited_by_default_and_the_limit_can_be_lifted(tmp_path: Path) -> None:
    limited = HqProcess.start(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path / "a.log")
    try:
        statuses = _statuses(limited)
    finally:
        limited.stop()
    assert 429 in statuses and statuses[0] != 429, statuses
    unlimited = HqProcess.start(f"sqlite:///{tmp_path / 'b.sqlite3'}", tmp_path / "b.log",
                                extra=("--enrol-per-minute", "0"))
    try:
        statuses = _statuses(unlimited)
    finally:
        unlimited.stop()
    assert 429 not in statuses and all(400 <= s < 500 for s in statuses), statuses  # refused codes, never throttled
