"""Hypothesis stateful convergence: up to 3 laptops of a branch and a real head office (issue 11).

Each laptop is a real encrypted store; head office is the real server (uvicorn, SQLite). The
machine creates, edits, deletes and finalizes meetings, resolves conflicts, lets head office act,
and syncs any laptop at any time. When it stops, every laptop syncs until nothing moves, and then:

* all replicas converge: every laptop holds every record with head office's current revision and
  conflict flag;
* nothing any laptop created is lost: every record it created is at head office and on every laptop;
* nothing is silently overwritten: every revision a laptop made is at head office or listed on that
  laptop as refused (with its text, to file as an amendment); every revision head office holds is an
  ancestor of a current leaf;
* every concurrent edit surfaces as a conflict: two revisions of a record that do not descend from
  one another are either both open leaves (the record is flagged conflicted, everywhere) or joined
  by a merge revision — which only a person resolving the conflict writes.

Head office's own actions are rules too (:attr:`BranchMachine.HEAD_OFFICE_ACTIONS`); returns for
correction (退回更正, a later issue) join there, and the final checks then cover them.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from desktop_app.store import KdfParams, Store
from desktop_app.store.errors import StoreError
from desktop_app.store.refused import RefusedEdits
from desktop_app.store.sync_state import StoreSyncState, enrol_store
from domain.violations import RuleViolation
from sync.client.engine import SyncEngine
from sync.server import reports
from sync.server.tables import revisions
from tests.reliability.tally import Tally
from tests.sync.hq import FAST_RETRY, HeadOfficeFixture

PASS = "convergence-passphrase"
SEEN: dict[str, int] = {"examples": 0, "passed": 0, "steps": 0, "conflicts": 0, "refused": 0}


class Laptop:
    def __init__(self, hq: HeadOfficeFixture, path: Path, name: str) -> None:
        self.name = name
        self.store, _ = Store.create(path, PASS, kdf=KdfParams.fast_for_tests())
        enrol_store(self.store, hq.base_url, hq.enrol_code("b1"), device_name=name)
        self.state = StoreSyncState(self.store)

    def sync(self) -> None:
        engine = SyncEngine(self.state, retry=FAST_RETRY)
        try:
            engine.sync_once()
        finally:
            engine.close()

    def live(self, *, editable: bool) -> list[str]:
        query = "SELECT id FROM records WHERE kind = 'meeting' AND deleted = 0"
        if editable:
            query += " AND status = 'draft' AND conflicted = 0"
        return sorted(r[0] for r in self.store.conn.execute(query))

    def conflicted(self) -> list[str]:
        return sorted(r[0] for r in self.store.conn.execute("SELECT id FROM records WHERE conflicted = 1"))


class BranchMachine(RuleBasedStateMachine):
    HEAD_OFFICE_ACTIONS: ClassVar[list[str]] = ["publish_notice"]  # + "return_for_correction" (later issue)

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="branchledger-convergence-"))
        self.hq = HeadOfficeFixture.start(f"sqlite:///{self.tmp / 'hq.sqlite3'}", backend="sqlite")
        self.laptops: list[Laptop] = []
        self.created: set[str] = set()
        self.members: list[str] = []
        self.counter = 0

    # ------------------------------------------------------------------ set-up

    @initialize(n=st.sampled_from([3, 2, 1]))  # three first: hypothesis starts from the first choice
    def laptops_of_the_branch(self, n: int) -> None:
        self.laptops = [Laptop(self.hq, self.tmp / f"laptop{i}", f"L{i}") for i in range(n)]
        first = self.laptops[0].store.records
        self.members = [first.create("member", {"name": name, "posts": posts}, author="L0").record_id
                        for name, posts in (("王书记", ["secretary"]), ("李记录", []))]
        for laptop in [*self.laptops, *self.laptops]:
            laptop.sync()  # everyone starts with the roster

    def laptop(self, i: int) -> Laptop:
        return self.laptops[i % len(self.laptops)]

    def other(self, i: int, j: int) -> Laptop:
        """A laptop other than ``laptop(i)`` (itself when there is only one)."""
        n = len(self.laptops)
        return self.laptops[(i % n + 1 + j % max(1, n - 1)) % n] if n > 1 else self.laptops[0]

    def meeting(self, title: str) -> dict[str, Any]:
        chair, clerk = self.members
        return {"meeting_type": "committee", "title": title, "starts_at": "2026-10-15T09:00:00",
                "ends_at": "2026-10-15T10:00:00", "place": "会议室", "chair_member_id": chair,
                "recorder_member_id": clerk, "attendance": [{"member_id": chair}, {"member_id": clerk}],
                "discussion": f"讨论{title}"}

    def _next(self) -> str:
        self.counter += 1
        SEEN["steps"] += 1
        return str(self.counter)

    # ------------------------------------------------------------------ what the clerks do

    @rule(i=st.integers(0, 2))
    def create(self, i: int) -> None:
        env = self.laptop(i).store.records.create("meeting", self.meeting(f"会议{self._next()}"), author="c")
        self.created.add(env.record_id)

    @rule(i=st.integers(0, 2), pick=st.integers(0, 99))
    def edit(self, i: int, pick: int) -> None:
        laptop = self.laptop(i)
        live = laptop.live(editable=True)
        if live:
            laptop.store.records.update(live[pick % len(live)], self.meeting(f"修改{self._next()}"), author="c")

    @rule(i=st.integers(0, 2), pick=st.integers(0, 99))
    def delete(self, i: int, pick: int) -> None:
        laptop = self.laptop(i)
        live = laptop.live(editable=True)
        if live:
            self._next()
            laptop.store.records.delete(live[pick % len(live)], author="c")

    @rule(i=st.integers(0, 2), pick=st.integers(0, 99))
    def finalize(self, i: int, pick: int) -> None:
        laptop = self.laptop(i)
        live = laptop.live(editable=True)
        if live:
            self._next()
            with contextlib.suppress(RuleViolation):  # incomplete: the clerk is told, nothing changes
                laptop.store.records.finalize(live[pick % len(live)], author="c")

    @rule(i=st.integers(0, 2), pick=st.integers(0, 99), keep=st.integers(0, 9))
    def resolve(self, i: int, pick: int, keep: int) -> None:
        laptop = self.laptop(i)
        open_conflicts = laptop.state.conflicts()
        if not open_conflicts:
            return
        conflict = open_conflicts[pick % len(open_conflicts)]
        bodies = [v.body for v in conflict.versions if v.body is not None and not v.deleted]
        body = bodies[keep % len(bodies)] if bodies else self.meeting(f"合并{self._next()}")
        with contextlib.suppress(RuleViolation, StoreError):
            laptop.state.resolve_conflict(conflict.record_id, body, author="c")

    def _shared(self, a: Laptop, b: Laptop, pick: int) -> str:
        """A draft both laptops hold (made and synced to both first when there is none)."""
        shared = sorted(set(a.live(editable=True)) & set(b.live(editable=True)))
        if shared:
            return shared[pick % len(shared)]
        record_id = a.store.records.create("meeting", self.meeting(f"共同{self._next()}"), author="c").record_id
        self.created.add(record_id)
        a.sync()
        b.sync()
        return record_id

    @rule(i=st.integers(0, 2), j=st.integers(0, 2), pick=st.integers(0, 99), finalize=st.booleans())
    def two_laptops_at_once(self, i: int, j: int, pick: int, finalize: bool) -> None:
        """The same record changed on two laptops before either syncs (edit/edit or finalize/edit)."""
        a, b = self.laptop(i), self.other(i, j)
        if a is b:
            return
        record_id = self._shared(a, b, pick)
        if finalize:
            with contextlib.suppress(RuleViolation):
                a.store.records.finalize(record_id, author="c")
        else:
            a.store.records.update(record_id, self.meeting(f"甲改{self._next()}"), author="c")
        b.store.records.update(record_id, self.meeting(f"乙改{self._next()}"), author="c")

    @rule(i=st.integers(0, 2), j=st.integers(0, 2), pick=st.integers(0, 99))
    def edit_offline_what_another_finalized(self, i: int, j: int, pick: int) -> None:
        """Finalized (and synced) on one laptop while another, not yet synced, edits its draft."""
        a, b = self.laptop(i), self.other(i, j)
        if a is b:
            return
        record_id = self._shared(a, b, pick)
        with contextlib.suppress(RuleViolation):
            a.store.records.finalize(record_id, author="c")
        a.sync()
        b.store.records.update(record_id, self.meeting(f"离线修改{self._next()}"), author="c")
        b.sync()  # refused: listed on b, with its text, to file as an amendment

    @rule(i=st.integers(0, 2))
    def sync(self, i: int) -> None:
        SEEN["steps"] += 1
        self.laptop(i).sync()

    # ------------------------------------------------------------------ what head office does

    @rule(action=st.sampled_from(HEAD_OFFICE_ACTIONS))
    def head_office(self, action: str) -> None:
        self._next()
        actions: dict[str, Callable[[], None]] = {"publish_notice": lambda: self.hq.publish_notice("b1")}
        actions[action]()

    @invariant()
    def nothing_stored_twice(self) -> None:
        with self.hq.db.connect() as conn:
            rows = [(r.record_id, r.rev) for r in conn.execute(select(revisions.c.record_id, revisions.c.rev))]
        assert len(rows) == len(set(rows))

    # ------------------------------------------------------------------ the end

    def teardown(self) -> None:
        try:
            if self.laptops:
                self.final_checks()
                SEEN["passed"] += 1
        finally:
            SEEN["examples"] += 1
            for laptop in self.laptops:
                laptop.store.close(backup=False)
            self.hq.stop()
            shutil.rmtree(self.tmp, ignore_errors=True)

    def final_checks(self) -> None:
        for _ in range(3):
            for laptop in self.laptops:
                laptop.sync()
        heads = {r["record_id"]: r for r in self.hq.office.call(reports.list_records, "b1")}
        with self.hq.db.connect() as conn:
            dag: dict[str, dict[str, list[str]]] = {}
            for r in conn.execute(select(revisions.c.record_id, revisions.c.rev, revisions.c.parents)):
                dag.setdefault(r.record_id, {})[r.rev] = json.loads(r.parents)
        stored = {(rid, rev) for rid, revs in dag.items() for rev in revs}
        # Converged: every laptop has every record with head office's head and conflict flag.
        for laptop in self.laptops:
            rows = laptop.store.conn.execute(
                "SELECT id, server_rev, server_conflicted, conflicted FROM records").fetchall()
            mine = {r[0]: (r[1], bool(r[2])) for r in rows}
            assert mine == {rid: (h["current_rev"], h["conflicted"]) for rid, h in heads.items()}, laptop.name
            assert all(bool(r[3]) == bool(r[2]) for r in rows), "a laptop shows another conflict state"
            assert laptop.state.pending_count() == 0
        # Nothing created lost.
        assert self.created <= set(heads)
        # Nothing silently overwritten: each revision a laptop made is at head office or refused, visibly.
        for laptop in self.laptops:
            made = {(r[0], r[1]) for r in laptop.store.conn.execute(
                "SELECT record_id, rev FROM revisions WHERE device_id = ?", (laptop.store.device_id,))}
            refused = {(r[0], r[1]) for r in laptop.store.conn.execute(
                "SELECT record_id, rev FROM outbox WHERE state != 'pending'")}
            assert made <= stored | refused, laptop.name
            SEEN["refused"] += len(RefusedEdits(laptop.store).edits())
        # Every stored revision is an ancestor of a current leaf; concurrent ones surfaced.
        for rid, revs in dag.items():
            leaves = set(heads[rid]["leaves"])
            assert heads[rid]["conflicted"] == (len(leaves) > 1)
            ancestors: dict[str, set[str]] = {}

            def up(rev: str, revs: dict[str, list[str]] = revs, ancestors: dict[str, set[str]] = ancestors) -> set[str]:
                if rev not in ancestors:
                    ancestors[rev] = {rev}
                    for parent in revs.get(rev, []):
                        ancestors[rev] |= up(parent)
                return ancestors[rev]

            covered = set().union(*(up(leaf) for leaf in leaves))
            assert set(revs) <= covered, f"{rid}: a revision is no longer an ancestor of any leaf"
            merges = [m for m in revs if len(revs[m]) > 1]
            for a in revs:
                for b in revs:
                    if a < b and a not in up(b) and b not in up(a):  # made concurrently
                        surfaced = len(leaves) > 1 or any({a, b} <= up(m) for m in merges)
                        assert surfaced, f"{rid}: concurrent {a} / {b} never surfaced as a conflict"
                        SEEN["conflicts"] += 1


def test_laptops_and_head_office_converge(tally: Tally) -> None:
    examples = tally.trials(10, 60)
    before = dict(SEEN)
    try:
        run_state_machine_as_test(
            BranchMachine,
            settings=settings(max_examples=examples, stateful_step_count=tally.trials(25, 40), deadline=None,
                              suppress_health_check=list(HealthCheck), database=None),
        )
    finally:
        ran = SEEN["examples"] - before["examples"]
        ok = SEEN["passed"] - before["passed"]
        tally.record("convergence: up to 3 laptops + head office (hypothesis stateful)", trials=ran, passed=ok,
                     lost=ran - ok,
                     detail=f"{SEEN['steps'] - before['steps']} steps (edits, deletes, finalizations, "
                            "resolutions, head-office actions, syncs), "
                            f"{SEEN['conflicts'] - before['conflicts']} concurrent pairs seen surfaced as conflicts, "
                            f"{SEEN['refused'] - before['refused']} refused edits listed for the clerk")
