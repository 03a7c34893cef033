"""Rubric versions a script can trust: a rename onto an existing item is refused, no export ever
holds two rows for one item of one observation, a misplaced [renamed] table is pointed at, and
every exported figure says which rubric version it was computed against."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from seeds_tui.cli import main
from seeds_tui.core.rubric import bundled_rubric_dir, load_rubric
from seeds_tui.core.tomlio import dump_toml
from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage.store import Store

SEED = bundled_rubric_dir() / "seed-one-to-one.toml"


def new_version(folder: Path, version: str, *, drop: str, renamed: dict[str, str] | None = None, retired: bool = False) -> Path:
    """A newer version of the bundled seed-one-to-one rubric without the item ``drop``."""
    data = load_rubric(SEED).model_dump(by_alias=True, exclude_none=True)
    section_id, item_id = drop.split(".")
    for section in data["sections"]:
        if section["id"] == section_id:
            section["items"] = [i for i in section["items"] if i["id"] != item_id]
    data["version"] = version
    if renamed:
        data["renamed"] = renamed
    if retired:
        data["retired"] = [drop]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"seed-one-to-one-{version}.toml"
    path.write_text(dump_toml(data))
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("versions") / "store")
    generate_demo(store, 60, seed=5, today=date(2026, 11, 23))
    return store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_rubric_check_refuses_a_rename_onto_an_existing_item(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = new_version(tmp_path / "rubrics", "2.2.0", drop="beginning.welcome", renamed={"beginning.welcome": "beginning.review"})
    code, out, _ = run(capsys, "rubric", "check", str(path))
    assert code == 1
    assert "'beginning.welcome' of 2.1.0 is renamed to 'beginning.review', which is already an item of 2.1.0" in out
    assert "ok (" not in out
    good = new_version(tmp_path / "fine", "2.2.0", drop="beginning.welcome", retired=True)
    assert run(capsys, "rubric", "check", str(good))[0] == 0


def test_rubric_check_refuses_two_items_renamed_onto_one(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two old items renamed onto one new id (welcome and review both become greeting) would
    count each observation's two scores as one item's: refused like a rename onto an existing item."""
    data = load_rubric(SEED).model_dump(by_alias=True, exclude_none=True)
    beginning = next(s for s in data["sections"] if s["id"] == "beginning")
    kept = [i for i in beginning["items"] if i["id"] not in ("welcome", "review")]
    greeting = {**next(i for i in beginning["items"] if i["id"] == "welcome"), "id": "greeting"}
    beginning["items"] = [greeting, *kept]
    data |= {"version": "2.2.0", "renamed": {"beginning.welcome": "beginning.greeting", "beginning.review": "beginning.greeting"}}
    path = tmp_path / "rubrics" / "seed-one-to-one-2.2.0.toml"
    path.parent.mkdir()
    path.write_text(dump_toml(data))
    code, out, _ = run(capsys, "rubric", "check", str(path))
    assert code == 1 and "ok (" not in out
    assert "'beginning.review' and 'beginning.welcome' of 2.1.0 are both renamed to 'beginning.greeting'" in out
    # Whatever a rubric folder holds, the export still has one row per item of an observation.
    code, text, _ = run(
        capsys, "export", "--store", str(store.root), "--rubrics", str(path.parent), "--rubric", "seed-one-to-one", "--quiet"
    )
    frame = pd.read_csv(pd.io.common.StringIO(text))
    assert code == 0 and len(frame) and not frame.duplicated(["observation_id", "section", "item"]).any()


def test_no_export_holds_two_rows_for_one_item_of_one_observation(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "rubrics"
    new_version(folder, "2.2.0", drop="beginning.welcome", renamed={"beginning.welcome": "beginning.review"})
    base = ["--store", str(store.root), "--rubrics", str(folder), "--rubric", "seed-one-to-one", "--quiet"]
    for fmt in ("csv", "jsonl"):
        code, out, err = run(capsys, "export", *base, "--format", fmt, "--include-drafts")
        assert code == 0, err
        frame = pd.read_csv(pd.io.common.StringIO(out)) if fmt == "csv" else pd.DataFrame([json.loads(x) for x in out.splitlines()])
        assert len(frame) and not frame.duplicated(["observation_id", "section", "item"]).any()
        # The item's own score is the one kept: the review row of each observation is its review score.
        reviews = frame[(frame["section"] == "beginning") & (frame["item"] == "review")]
        assert reviews["observation_id"].is_unique
    # The frames behind the team tables count each observation's item once too.
    import seeds_tui

    items = seeds_tui.summary_data(store, rubric="seed-one-to-one", rubric_dirs=folder).items
    assert len(items) and not items.duplicated(["observation_id", "section", "item"]).any()


def test_a_misplaced_renamed_table_is_pointed_at_with_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = SEED.read_text()
    lines = text.splitlines()
    # Pasted where a reader of the docs might: straight after the version, before title and description.
    at = next(pos for pos, line in enumerate(lines) if line.startswith("version")) + 1
    lines[at:at] = ["", "[renamed]", '"beginning.old_welcome" = "beginning.welcome"']
    path = tmp_path / "pasted.toml"
    path.write_text("\n".join(lines) + "\n")
    code, out, _ = run(capsys, "rubric", "check", str(path))
    assert code == 1
    header = at + 2  # 1-based line of "[renamed]"
    assert f"{path}:{header}: title: required key is missing: it is inside the [renamed] table (line {header})" in out
    assert "move the [renamed] table below the top-level keys" in out
    # The optional keys it took are pointed at too, each once, never as a rename that is not an item id.
    retired = next(pos for pos, line in enumerate(lines) if line.startswith("retired")) + 1
    assert (
        f"{path}:{retired}: renamed.retired: 'retired' is a top-level key, but it comes after the [renamed] table's header (line {header})"
        in out
    )
    assert "renamed.description: 'description' is a top-level key" in out
    assert "[key]" not in out and "section.item id" not in out and "valid string" not in out


def test_exports_say_which_rubric_version_each_figure_was_computed_against(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--store", str(store.root), "--rubric", "seed-one-to-one", "--format", "jsonl", "--quiet"]
    code, before, _ = run(capsys, "export", *base, "--table", "observations")
    assert code == 0
    rows = [json.loads(line) for line in before.splitlines()]
    assert {(r["rubric_version"], r["computed_version"]) for r in rows} == {("2.1.0", "2.1.0")}
    folder = tmp_path / "rubrics"
    new_version(folder, "2.2.0", drop="beginning.welcome", retired=True)
    code, after, _ = run(capsys, "export", *base, "--table", "observations", "--rubrics", str(folder))
    assert code == 0
    rows = [json.loads(line) for line in after.splitlines()]
    # The figures of 2.1.0 observations are now computed against 2.2.0, and the rows say so.
    assert {(r["rubric_version"], r["computed_version"]) for r in rows} == {("2.1.0", "2.2.0")}
    code, items, _ = run(capsys, "export", *base, "--rubrics", str(folder))
    first = json.loads(items.splitlines()[0])
    assert list(first)[3:5] == ["rubric_version", "computed_version"] and first["computed_version"] == "2.2.0"
    assert not any(json.loads(line)["item"] == "welcome" for line in items.splitlines())
