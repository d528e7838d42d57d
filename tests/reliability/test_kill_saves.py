"""SIGKILL of a client process during bursts of saves (issue 11: ≥ 100 kills at full count).

Every save the writer acknowledged (it printed ACK after the commit returned) must be there after
the kill, exactly once, whole (revision, history and outbox written with it); opening after a
kill must never mistake the WAL a crash leaves for damage; nothing is readable on disk.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from desktop_app.store import KdfParams, Store
from desktop_app.store.aside import list_aside
from tests.reliability.child import PASS_A
from tests.reliability.killing import run_and_kill
from tests.reliability.scan import inconsistent_records, leaked
from tests.reliability.tally import Tally


def test_sigkill_during_bursts_of_saves(tmp_path: Path, tally: Tally) -> None:
    kills = tally.trials(12, 100)
    rng = random.Random(11)
    d = tmp_path / "ledger"
    Store.create(d, PASS_A, kdf=KdfParams.fast_for_tests())[0].close(backup=False)
    acked: dict[str, str] = {}  # record id -> name
    updates = 0
    passed = lost = duplicated = false_damage = 0
    for run in range(kills):
        result = run_and_kill("saves", d, str(run), rng=rng, min_s=0.05, max_s=0.5)
        assert result.killed, "the writer must still be saving when it is killed"
        for fields in result.acks:
            if fields[0] == "update":
                updates += 1
            else:
                acked[fields[0]] = fields[1]
        with Store.open(d, PASS_A) as store:
            names = Counter(m.name for m in store.records.members().values())
            missing = [rid for rid, name in acked.items() if names.get(name, 0) == 0]
            twice = sum(1 for count in names.values() if count > 1)
            half_made = inconsistent_records(store)
            kept = store.kept_aside
            store.close(backup=False)
        damage = bool(kept) or bool(list_aside(d))
        lost += len(missing)
        duplicated += twice
        false_damage += int(damage)
        if not missing and not twice and not half_made and not damage:
            passed += 1
    secrets = list(acked.values())[:: max(1, len(acked) // 50)]
    exposed = leaked(d, secrets)
    tally.record("kill: saves", trials=kills, passed=passed, lost=lost, duplicated=duplicated, leaked=exposed,
                 detail=f"{len(acked)} acknowledged saves + {updates} edits over {kills} SIGKILLs; "
                        f"{false_damage} kills mistaken for damage; {len(secrets)} names searched on disk")
    assert (passed, lost, duplicated, exposed, false_damage) == (kills, 0, 0, 0, 0)
