"""A team's shared store keeps published finals only: reports and exports of it are written on this computer.

Every writer under ``reports/`` (the app's feedback sheet and development record, the Team
summary export) goes through ``Store.write_report`` / ``Store.reports_dir``, which for a shared
store is the user's own store's ``reports/``. The commands write where ``-o`` says, or to standard
output, and refuse an ``-o`` inside the share.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from seeds_tui.cli import main
from seeds_tui.core.errors import StoreError
from seeds_tui.core.observation import RubricRef, Score, Session, new_observation
from seeds_tui.core.rubric import RubricRegistry, bundled_rubric_dir
from seeds_tui.storage.publish import make_shared_store, publish
from seeds_tui.storage.store import Store


def everything(root: Path) -> dict[str, bytes | None]:
    """Every path below ``root`` with its bytes (None for folders), to spot a stray write."""
    return {p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None for p in sorted(root.rglob("*"))}


@pytest.fixture
def share(tmp_path: Path) -> Iterator[Path]:
    """A team's shared store with one published final, read-only (0o555) while the test runs."""
    laptop = Store(tmp_path / "laptop")
    loaded = RubricRegistry([bundled_rubric_dir()]).get("seed-one-to-one")
    rubric = loaded.rubric
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
        session=Session(date=date(2026, 11, 23), observer="Sam", practitioner="Pat P", team="North"),
    )
    obs = laptop.save_draft(obs.model_copy(update={"scores": {s.id: {i.id: Score(value=2) for i in s.items} for s in rubric.sections}}))
    laptop.finalise(obs, rubric)
    folder = tmp_path / "share"
    folder.mkdir()
    make_shared_store(folder)
    assert publish(laptop, folder).problems == []
    folders = [folder, *(p for p in folder.rglob("*") if p.is_dir())]
    for each in folders:
        each.chmod(0o555)
    try:
        yield folder
    finally:
        for each in folders:
            each.chmod(0o755)


def test_reports_of_a_shared_store_go_to_the_users_own_store(share: Path) -> None:
    before = everything(share)
    own = Path(os.environ["SEEDS_STORE"])
    shared = Store(share)
    assert shared.reports_dir == own / "reports"
    path = shared.write_report("team-summary.csv", b"a,b\n")
    assert path == own / "reports" / "team-summary.csv" and path.read_bytes() == b"a,b\n"
    assert everything(share) == before
    assert Store(own).reports_dir == own / "reports"  # one's own store keeps its reports/ as before


def test_with_no_store_of_ones_own_the_report_is_refused_with_a_clear_message(share: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEEDS_STORE", str(share))  # the default store is the share itself...
    data_home = Path(os.environ["XDG_DATA_HOME"])
    assert Store(share).reports_dir == data_home / "seeds-tui" / "store" / "reports"  # ...so the per-user data folder's
    (data_home / "seeds-tui" / "store").mkdir(parents=True)
    (data_home / "seeds-tui" / "store" / ".seeds-shared-store").write_text("")  # and that one shared too: nowhere left
    with pytest.raises(StoreError, match="set SEEDS_STORE to a folder of your own"):
        Store(share).write_report("sheet.md", b"#")


def test_the_commands_write_where_o_says_or_to_stdout_never_into_the_share(
    share: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = everything(share)
    [final] = share.glob("observations/*.toml")
    sheet = tmp_path / "out" / "sheet.md"
    sheet.parent.mkdir()
    assert main(["report", str(final), "-o", str(sheet)]) == 0  # -o as before
    assert sheet.read_text(encoding="utf-8").startswith("#") and str(sheet) in capsys.readouterr().err
    assert main(["report", str(final)]) == 0  # no -o: standard output
    assert "Pat P" in capsys.readouterr().out
    assert main(["summary", "--store", str(share)]) == 0
    assert main(["export", "--store", str(share)]) == 0
    capsys.readouterr()
    for command in (["report", str(final)], ["summary", "--store", str(share)], ["export", "--store", str(share)]):
        assert main([*command, "-o", str(share / "reports" / "x.csv")]) == 2
        assert "team's shared store" in capsys.readouterr().err
    assert everything(share) == before
