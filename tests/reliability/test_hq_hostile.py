"""Hostile input at head office, on SQLite and a real PostgreSQL behind a real uvicorn server.

* **schemathesis** generates valid and invalid requests from the published OpenAPI document
  (``/v1/openapi.json``) for every operation, with device and admin credentials; every reply must
  be documented, of the documented content type and schema, and never a 5xx.
* bombs, deep nesting, huge integers, NUL and lone surrogates: refused (413/422, or one change at a
  time) and nothing stored;
* weak keys at enrolment; replays of a sync; cross-branch id games (pre-claiming, hiding and
  probing another branch's records by id); quota abuse (request rate, storage).

Reduced example counts by default; ``--full-counts`` raises them.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sync.client.changes import build_change
from sync.client.errors import QuotaExceeded
from sync.protocol.revisions import compute_rev
from sync.protocol.weakkeys import SMALL_ORDER_ENCODINGS
from sync.server import admin_tokens, reports
from sync.server import devices as device_store
from sync.server.app import OPENAPI_URL, AppSettings, create_app
from sync.server.service import ServerLimits
from tests.reliability.tally import Tally
from tests.sync.conftest import pg_cluster, pg_url  # noqa: F401  (fixtures)
from tests.sync.hq import HeadOfficeFixture, meeting
from tests.sync.net import running
from tests.sync.raw import pending_dicts, post, sync_body, token_of

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(params=["sqlite", "postgres"])
def office(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HeadOfficeFixture]:
    url = str(request.getfixturevalue("pg_url")) if request.param == "postgres" else f"sqlite:///{tmp_path / 'hq.db'}"
    fixture = HeadOfficeFixture.start(url, backend=request.param)
    try:
        yield fixture
    finally:
        fixture.stop()


def _stored(hq: HeadOfficeFixture) -> int:
    return sum(len(hq.office.call(reports.list_records, b)) for b in ("b1", "b2"))


def _fuzz(operation: Any, mode: GenerationMode, *, base_url: str, headers: dict[str, str], device_id: str,
          examples: int) -> tuple[int, int, str | None]:
    """Run ``examples`` generated cases of one operation; (cases, 5xx replies, failure or None)."""
    counts = {"cases": 0, "5xx": 0}

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        if mode is GenerationMode.POSITIVE and isinstance(case.body, dict):
            # Reach past the first checks: a supported protocol, this device's own id.
            case.body["protocol"] = 1
            if isinstance(case.body.get("client"), dict):
                case.body["client"]["device_id"] = device_id
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        counts["cases"] += 1
        counts["5xx"] += response.status_code >= 500
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        check()
    except Unsatisfiable:  # nothing to make invalid (an operation without parameters or body)
        pass
    except Exception as exc:  # a FailureGroup (or hypothesis' wrapper of several) after shrinking
        return counts["cases"], counts["5xx"], f"{operation.method.upper()} {operation.path} [{mode}]: {exc}"[:1500]
    return counts["cases"], counts["5xx"], None


def test_schemathesis_against_the_published_openapi(office: HeadOfficeFixture, tally: Tally) -> None:
    examples = tally.trials(reduced=12, full=120)
    device = office.device()
    admin = office.office.call(admin_tokens.create_admin_token, "schemathesis", admin_tokens.READ_SCOPES)
    schema = schemathesis.openapi.from_url(office.base_url + OPENAPI_URL)
    operations = [result.ok() for result in schema.get_all_operations()]
    cases = server_errors = 0
    failures: list[str] = []
    for operation in operations:
        token = admin if operation.path.startswith("/v1/admin") else token_of(device)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            ran, errors_5xx, failure = _fuzz(operation, mode, base_url=office.base_url,
                                             headers={"Authorization": f"Bearer {token}"},
                                             device_id=device.state.device_id, examples=examples)
            cases += ran
            server_errors += errors_5xx
            if failure:
                failures.append(failure)
    tally.record(
        f"hq_schemathesis[{office.backend}]",
        trials=cases,
        passed=cases - len(failures),
        detail=f"{len(operations)} operations × positive+negative, up to {examples} examples each: "
        f"{server_errors} replies with 5xx, {len(failures)} check failures "
        "(5xx, undocumented status, wrong content type or schema)",
    )
    assert not failures, "\n\n".join(failures)
    assert server_errors == 0 and cases > 40


def _huge(text: str) -> bytes:
    return text.replace('"HUGE"', "9" * 5000).encode()


def test_bombs_deep_nesting_huge_integers_and_bad_text(office: HeadOfficeFixture, tally: Tally) -> None:
    dev = office.device()
    token = token_of(dev)
    dev.state.create("meeting", meeting("合法的会议"))
    [change] = pending_dicts(dev.state)
    bodies: list[tuple[str, bytes, bool]] = [
        ("object bomb", gzip.compress(b'{"protocol":1,"push":[' + b",".join([b"{}"] * 5_000_000) + b"]}"), True),
        ("array nesting 990", b'{"protocol":1,"x":' + b"[" * 990 + b"]" * 990 + b"}", False),
        ("object nesting 5000", b'{"a":' * 5000 + b"1" + b"}" * 5000, False),
        ("integer of 5000 digits", _huge(json.dumps({"protocol": "HUGE"})), False),
        ("counter 2^63", json.dumps(sync_body(dev.state, [{**change, "counter": 2**63}])).encode(), False),
        ("NUL in a title", json.dumps(sync_body(dev.state, [
            {**change, "change_id": "nul", "body": {**change["body"], "title": "a\u0000b"}}])).encode(), False),
        ("lone surrogate", json.dumps(sync_body(dev.state, [
            {**change, "change_id": "sur", "body": {**change["body"], "title": "\udfff"}}])).encode(), False),
        ("NUL in the device name", json.dumps({"protocol": 1, "code": office.enrol_code(), "device_id": "n1",
                                               "device_name": "a\u0000", "public_key": "x" * 44}).encode(), False),
        ("not UTF-8", b'{"protocol":1,"client":{"device_id":"\xc3\x28"}}', False),
    ]
    answered = 0
    stored_before = _stored(office)
    statuses = []
    for name, body, compressed in bodies:
        path = "/v1/enrol" if "device name" in name else "/v1/sync"
        reply = post(office, path, body, token=token, timeout=30, precompressed=compressed)
        statuses.append(f"{name}: {reply.status_code}")
        if reply.status_code < 500 and reply.headers.get("content-type", "").startswith("application/json"):
            results = reply.json().get("results", []) if reply.status_code == 200 else []
            if all(r["status"] == "rejected" for r in results):
                answered += 1
    leaked = _stored(office) - stored_before
    tally.record(f"hq_hostile_bodies[{office.backend}]", trials=len(bodies), passed=answered, leaked=leaked,
                 detail="; ".join(statuses))
    assert answered == len(bodies) and leaked == 0, statuses
    assert office.office.call(device_store.list_devices, "b1")[0].device_id == dev.state.device_id


def test_weak_keys(office: HeadOfficeFixture, tally: Tally) -> None:
    keys = sorted(SMALL_ORDER_ENCODINGS)
    keys += [k[:31] + bytes([k[31] ^ 0x80]) for k in keys]
    refused = 0
    for i, raw in enumerate(keys):
        reply = post(office, "/v1/enrol", {"protocol": 1, "code": office.enrol_code(), "device_id": f"weak-{i}",
                                           "device_name": "弱密钥", "public_key": base64.b64encode(raw).decode()})
        refused += reply.status_code == 400 and reply.json()["code"] == "weak_key"
    enrolled = len(office.office.call(device_store.list_devices))
    tally.record(f"hq_weak_keys[{office.backend}]", trials=len(keys), passed=refused, leaked=enrolled,
                 detail="small-order Ed25519 encodings (libsodium's list) and their sign-flipped twins at enrolment")
    assert refused == len(keys) and enrolled == 0


def test_replays(office: HeadOfficeFixture, tally: Tally) -> None:
    dev = office.device()
    for i in range(5):
        dev.state.create("meeting", meeting(f"会议{i}"))
    body = sync_body(dev.state, pending_dicts(dev.state))
    replays = tally.trials(reduced=10, full=100)
    statuses: set[str] = set()
    for _ in range(replays):
        reply = post(office, "/v1/sync", body, token=token_of(dev), compress=True)
        statuses |= {r["status"] for r in reply.json()["results"]}
    duplicated = _stored(office) - 5
    other = office.device("b2", name="他支部")
    stolen = post(office, "/v1/sync", body, token=token_of(other))
    tally.record(f"hq_replays[{office.backend}]", trials=replays + 1,
                 passed=replays * (statuses <= {"accepted", "duplicate"}) + (stolen.status_code == 400),
                 duplicated=duplicated,
                 detail=f"one push of 5 changes sent {replays}× (answers: {sorted(statuses)}), "
                        f"then replayed under another branch's token: {stolen.status_code}")
    assert duplicated == 0 and stolen.status_code == 400 and statuses == {"accepted", "duplicate"}


def test_cross_branch_id_games(office: HeadOfficeFixture, tally: Tally) -> None:
    a, b = office.device("b1", name="A"), office.device("b2", name="B")
    trials = 0
    leaked = 0
    lost = 0
    # 1. B pre-claims the id A is about to use.
    planned = "2026-dzb-0001"
    b.state.create("meeting", meeting("抢注"), record_id=planned)
    b.sync()
    a.state.create("meeting", meeting("A 的会议"), record_id=planned)
    trials += 1
    stats = a.sync()
    lost += stats.accepted != 1
    # 2. B learns the change id of A's pending edit and pushes it first.
    a.state.update(planned, meeting("A 的会议（修改）"))
    [pending] = pending_dicts(a.state)
    b.state.create("meeting", meeting("冒用变更号"))
    [theirs] = pending_dicts(b.state)
    trials += 1
    hijack = post(office, "/v1/sync", sync_body(b.state, [{**theirs, "change_id": pending["change_id"]}]),
                  token=token_of(b)).json()
    b.sync()
    lost += a.sync().accepted != 1
    # 3. B probes A's record by id with an edit on top of A's revision.
    a_rev = a.state.records[planned].rev
    trials += 1
    body = meeting("探测")
    probe = build_change(
        signing_key=b.state.signing_key(), device_id=b.state.device_id, change_id="probe", counter=1000,
        record_id=planned, kind="meeting", rev=compute_rev(kind="meeting", body=body, parents=[a_rev]),
        parents=[a_rev], deleted=False, status="draft", schema_version=1, body=body, hlc=b.state.hlc_now(),
        device_time="2026-12-01T08:00:00Z", author="B",
    )  # a correctly signed edit on top of A's revision
    answer = post(office, "/v1/sync", sync_body(b.state, [json.loads(probe.model_dump_json(exclude_none=True))]),
                  token=token_of(b)).json()
    [result] = answer["results"]
    leaked += any(a_rev in json.dumps(r) for r in answer["changes"]) + (result.get("current_rev") == a_rev) + (
        a_rev in result.get("leaves", []))
    held = {r["record_id"]: r for r in office.office.call(reports.list_records, "b1")}
    lost += held[planned]["current_rev"] != a.state.records[planned].rev or held[planned]["title"] != "A 的会议（修改）"
    leaked += any(r["title"] in ("抢注", "冒用变更号", "探测") for r in held.values())
    leaked += any(r.body and r.body.get("title", "").startswith("A ") for r in b.state.records.values())
    tally.record(f"hq_cross_branch_ids[{office.backend}]", trials=trials, passed=trials - lost - min(leaked, trials),
                 lost=lost, leaked=leaked,
                 detail=f"pre-claimed id, hijacked change id ({hijack['results'][0]['status']}), probe by id "
                        f"({result['status']}/{result.get('code')}); nothing of branch 1 visible to branch 2")
    assert lost == 0 and leaked == 0
    assert (result["status"], result["code"]) == ("rejected", "unknown_base"), "B only sees its own (empty) branch"


def test_quota_abuse(office: HeadOfficeFixture, tally: Tally) -> None:
    settings = AppSettings(requests_per_minute=30, burst=10, enrol_per_minute=0)
    with running(create_app(office.office, settings)) as server:
        base = f"http://127.0.0.1:{server.port}"
        dev = office.device(base_url=base)
        flood = tally.trials(reduced=60, full=300)
        body = sync_body(dev.state, [])
        statuses = [post(office, "/v1/sync", body, token=token_of(dev), base_url=base).status_code
                    for _ in range(flood)]
        other = office.device(name="其他设备", base_url=base)
        unaffected = post(office, "/v1/sync", sync_body(other.state, []), token=token_of(other), base_url=base)
    limited = statuses.count(429)
    office.office.limits = ServerLimits(max_stored_bytes=10_000)
    writer = office.device(name="大量写入")
    refused_storage = accepted_pushes = 0
    for round_ in range(6):
        for i in range(10):
            writer.state.create("meeting", meeting(f"第{round_}-{i}次", discussion="记录" * 400))
        try:
            accepted_pushes += writer.sync().accepted > 0
        except QuotaExceeded as exc:  # pulls still ran; the changes wait on the device
            refused_storage += "配额" in exc.message
    kept = writer.state.pending_count()
    office.office.limits = ServerLimits()
    answered = sum(s in (200, 429) for s in statuses) + unaffected.ok + refused_storage + accepted_pushes
    tally.record(f"hq_quota_abuse[{office.backend}]", trials=flood + 1 + 6, passed=answered,
                 lost=60 - kept - accepted_pushes * 10,
                 detail=f"{flood} requests in a burst: {statuses.count(200)}×200, {limited}×429 (Retry-After); "
                        f"another device unaffected: {unaffected.status_code}; storage quota 10 kB: "
                        f"{refused_storage} of 6 pushes refused with 403, {kept} changes kept on the device")
    assert 500 not in statuses and limited >= flood - 15 and unaffected.status_code == 200
    assert refused_storage >= 4 and kept >= 40
    assert writer.sync().accepted == kept, "after the quota is raised everything arrives"
