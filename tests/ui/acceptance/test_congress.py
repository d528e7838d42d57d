"""A 支部党员大会 with absences, speeches, a vote and a resolution, finalized and printed."""

from __future__ import annotations

import subprocess
from pathlib import Path

from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from domain.enums import AttendanceStatus, RecordStatus
from domain.records import Meeting
from tests.ui.acceptance.congress import (
    ABSENT,
    AGENDA,
    PLACE,
    RESOLUTION,
    SPEECHES,
    VOTE,
    hold_congress,
    without_shortcuts,
)
from tests.ui.clerk import Clerk

# The most keystrokes and clicks the congress may take (measured: see `python -m bench ui`).
ACTION_BUDGET = 160  # measured 147; 210 without the defaults


def test_congress_from_new_record_to_printed_minutes(
    window: ShellWindow, branch: tuple[Session, dict[str, str]], clerk: Clerk, tmp_path: Path
) -> None:
    session, ids = branch
    outcome = hold_congress(clerk, window, tmp_path)
    editor = outcome.editor
    # On screen: finalized, read-only, the verdicts shown.
    assert "已定稿" in editor.state_label.text()
    assert "会议有效" in editor.quorum.text() or "有效" in editor.quorum.text()
    assert VOTE in editor.vote_results.text() and "；通过。" in editor.vote_results.text()
    assert not editor.form_widget.isEnabled()
    # In the store.
    env = session.read(lambda s: s.records.get(editor.record_id))
    assert env.status is RecordStatus.FINAL
    body = env.body
    assert isinstance(body, Meeting)
    assert body.place == PLACE and body.chair_member_id == ids["王书记"] and body.recorder_member_id == ids["李组织"]
    absent = {a.member_id: (a.status, a.reason) for a in body.attendance if a.status is not AttendanceStatus.PRESENT}
    assert absent == {ids["钱党员"]: (AttendanceStatus.LEAVE, "森林防火值班"),
                      ids["周党员"]: (AttendanceStatus.ABSENT, "外出未归")}
    assert len(body.attendance) == 8
    assert [a.title for a in body.agenda] == AGENDA
    assert [(s.speaker, s.content) for s in body.speeches] == list(SPEECHES)
    assert body.speeches[0].member_id == ids["王书记"]
    assert body.votes[0].subject == VOTE and body.votes[0].yes == 5
    assert body.resolutions[0].text == RESOLUTION and body.resolutions[0].vote_index == 0
    # On paper: the PDF says what happened.
    text = subprocess.run(["pdftotext", "-layout", str(outcome.pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    squeezed = "".join(text.split())
    for expected in (body.title, PLACE, "森林防火值班", "外出未归", *AGENDA, SPEECHES[1][1], RESOLUTION):
        assert "".join(expected.split()) in squeezed, expected
    assert "王书记" in text and "李组织" in text and "通过" in text
    # Faster than paper: the whole meeting within the budget.
    print(f"congress_actions={outcome.actions} (clicks {outcome.clicks}, keys {outcome.keys})")
    assert outcome.actions <= ACTION_BUDGET, outcome.actions
    assert set(ABSENT) == {"钱党员", "周党员"}


def test_the_defaults_save_work(
    window: ShellWindow, branch: tuple[Session, dict[str, str]], clerk: Clerk, tmp_path: Path
) -> None:
    """The same meeting on the form without the defaults takes clearly more work (and still ends
    in the same record: the defaults only save typing, they decide nothing)."""
    with without_shortcuts():
        outcome = hold_congress(clerk, window, tmp_path)
    print(f"congress_actions_without_defaults={outcome.actions}")
    assert outcome.actions > ACTION_BUDGET + 30
