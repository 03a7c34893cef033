"""The text table narrowed to a terminal gives up columns by meaning: the shares of scored items
(shown, missed, NA, NO) are read against each other, so they stay or go together."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from summary_fixtures import add, registry

from seeds_tui.cli import main
from seeds_tui.storage.store import Store

SHARES = ("Shown %", "Missed %", "NA %", "NO %")


def test_missed_is_never_shown_without_na_and_no(tmp_path: Path, capsys, monkeypatch) -> None:
    registry(tmp_path)
    store = Store(tmp_path / "store")
    for team in ("North", "South"):
        for n, who in enumerate(("Ann", "Ben", "Cal")):
            add(store, team=team, practitioner=f"{who} {team}", scores={"open.a": n, "open.b": "NA", "talk.c": "NO", "talk.d": 0},
                when=date(2026, 3, 1 + n))  # fmt: skip
    common = ["--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "--threshold", "3"]
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    seen = set()
    for width in range(60, 200, 7):  # enough widths to meet both the full and the narrowed table
        monkeypatch.setenv("COLUMNS", str(width))
        for by in ("section", "item"):
            assert main(["summary", *common, "--by", by]) == 0
            out = capsys.readouterr().out
            heading = next(ln for ln in out.splitlines() if ln.startswith("Team ") and "Obs" in ln)
            present = tuple(h in heading for h in SHARES)
            assert present in ((True,) * 4, (False,) * 4), (width, by, heading)
            assert max(len(ln) for ln in out.splitlines() if ln.startswith(("Team ", "North", "South", "All"))) <= width
            seen.add(present[0])
    assert seen == {True, False}  # both cases were met


@pytest.mark.parametrize("by", ["section", "item"])
def test_a_pipe_gets_every_column(tmp_path: Path, capsys, by: str) -> None:
    registry(tmp_path)
    store = Store(tmp_path / "store")
    for who in ("Ann", "Ben", "Cal"):
        add(store, team="North", practitioner=who, scores={"open.a": 1})
    assert main(["summary", "--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "--threshold", "3", "--by", by]) == 0
    heading = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("Team ") and "Obs" in ln)
    assert all(h in heading for h in SHARES)
