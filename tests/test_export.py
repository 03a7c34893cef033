"""``seeds-tui export``: files other tools read back equal to the frame, with columns that never shift."""

from __future__ import annotations

import io
import json
import stat
import sys
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/helpers_core.py, with --import-mode=importlib
from helpers_core import SECRET, SMALL_RUBRIC, STAMP, draft, scored, write_rubric

from seeds_tui.cli import main
from seeds_tui.core.observation import Score, load_observation, observation_to_toml
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage.store import Store
from seeds_tui.team.export import CODE_LABELS, ITEM_EXPORT_COLUMNS, OBSERVATION_COLUMNS, Filters, observation_table
from seeds_tui.team.frames import item_frame
from seeds_tui.team.tables import observation_scores

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """120 synthetic observations over eight quarters, three rubrics (built by the product's demo generator)."""
    store = Store(tmp_path_factory.mktemp("demo") / "store")
    generate_demo(store, 120, seed=7, today=TODAY)
    return store


def export(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["export", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def with_computed_version(frame: pd.DataFrame, registry: RubricRegistry) -> pd.DataFrame:
    """The item frame as the export has it: the newest known version of each row's rubric after ``rubric_version``."""
    out = frame.copy()
    newest = out["rubric_id"].astype(str).map(lambda rid: registry.get(rid).rubric.version)
    out.insert(list(out.columns).index("rubric_version") + 1, "computed_version", newest)
    return out


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as a reader sees it: categories as text, NA/NO codes as words, empty text missing, rows in a fixed order."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == "category":
            out[col] = out[col].astype("str").where(out[col].notna(), None).astype("str")
        if out[col].dtype == object or isinstance(out[col].dtype, pd.StringDtype):
            out[col] = out[col].where(out[col] != "", None).astype("str")
    if "code" in out.columns:
        out["code"] = out["code"].map(lambda v: CODE_LABELS.get(v, v) if isinstance(v, str) else v).astype("str")
    keys = [c for c in ("observation_id", "section", "item") if c in out.columns]
    return out.sort_values(keys).reset_index(drop=True)


def read_csv(data: str | Path, like: pd.DataFrame) -> pd.DataFrame:
    """Read a CSV back with the dtypes of ``like`` (what any careful reader would do)."""
    source = io.StringIO(data) if isinstance(data, str) else data
    ints = [c for c in like.columns if str(like[c].dtype) in ("Int64", "int64")]
    back = pd.read_csv(source, dtype={c: "Int64" for c in ints}, keep_default_na=False, na_values=[""])
    for col in like.columns:
        if col == "session_date":
            back[col] = pd.to_datetime(back[col]).astype(like[col].dtype)
        elif str(like[col].dtype) == "int64":
            back[col] = back[col].astype("int64")
        elif str(like[col].dtype) == "float64":
            back[col] = back[col].astype("float64")
        elif str(like[col].dtype) not in ("Int64",):
            back[col] = back[col].astype("str")
    return back


def test_csv_reads_back_equal_to_the_item_frame(demo_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "items.csv"
    code, _, err = export(capsys, "--store", str(demo_store.root), "--format", "csv", "-o", str(out_file))
    assert code == 0, err
    frame = plain(with_computed_version(item_frame(demo_store, RubricRegistry.default()), RubricRegistry.default()))
    assert f"exported {len(frame)} row(s)" in err
    back = plain(read_csv(out_file, frame))
    assert list(back.columns) == list(ITEM_EXPORT_COLUMNS)
    pd.testing.assert_frame_equal(back, frame, check_dtype=False, check_exact=False, rtol=1e-12)
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600


def test_csv_to_stdout_and_jsonl_round_trip(demo_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = export(capsys, "--store", str(demo_store.root), "--format", "csv", "--rubric", "jersey-interview-skills")
    assert code == 0
    frame = plain(
        with_computed_version(
            item_frame(demo_store, RubricRegistry.default(), rubric_id="jersey-interview-skills"), RubricRegistry.default()
        )
    )
    pd.testing.assert_frame_equal(plain(read_csv(out, frame)), frame, check_dtype=False)
    code, out, _ = export(capsys, "--store", str(demo_store.root), "--format", "jsonl", "--rubric", "jersey-interview-skills")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == len(frame)
    assert list(rows[0]) == list(ITEM_EXPORT_COLUMNS)
    assert sum(r["points"] or 0 for r in rows) == int(frame["points"].sum())
    assert {r["code"] for r in rows} <= {None, "not_applicable", "not_observed"}
    assert all(len(r["session_date"]) == 10 for r in rows)


def test_parquet_dataset_is_partitioned_and_reads_back_in_pandas_and_duckdb(
    demo_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "warehouse" / "items"
    code, _, err = export(capsys, "--store", str(demo_store.root), "--format", "parquet", "-o", str(folder))
    assert code == 0, err
    frame = plain(with_computed_version(item_frame(demo_store, RubricRegistry.default()), RubricRegistry.default()))
    files = sorted(folder.rglob("*.parquet"))
    assert files and all(f.parent.name.startswith("quarter=") and f.parent.parent.name.startswith("rubric_id=") for f in files)
    assert {f.parent.parent.name for f in files} == {f"rubric_id={r}" for r in frame["rubric_id"].unique()}
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    # pandas (pyarrow) reads the folder back to the same rows.
    back = pd.read_parquet(folder)
    back = back[list(ITEM_EXPORT_COLUMNS)]
    for col in ("rubric_id", "quarter"):
        back[col] = back[col].astype("str")
    back["session_date"] = pd.to_datetime(back["session_date"]).astype(frame["session_date"].dtype)
    pd.testing.assert_frame_equal(plain(back), frame, check_dtype=False)
    # DuckDB reads it directly: same row count and sums, also per rubric and quarter.
    glob = f"{folder}/**/*.parquet"
    [(count, points, possible, percent)] = duckdb.sql(
        f"select count(*), sum(points), sum(possible), sum(percent) from read_parquet('{glob}', hive_partitioning = true)"
    ).fetchall()
    assert (count, points, possible) == (len(frame), int(frame["points"].sum()), int(frame["possible"].sum()))
    assert percent == pytest.approx(frame["percent"].sum())
    by_quarter = duckdb.sql(
        f"select rubric_id, quarter, count(*) as n from read_parquet('{glob}', hive_partitioning = true) group by all order by all"
    ).df()
    expected = frame.groupby(["rubric_id", "quarter"]).size().reset_index(name="n").sort_values(["rubric_id", "quarter"])
    assert by_quarter["n"].tolist() == expected["n"].tolist()


def test_parquet_export_replaces_a_previous_export_but_nothing_else(
    demo_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "items"
    assert export(capsys, "--store", str(demo_store.root), "--format", "parquet", "-o", str(folder))[0] == 0
    code, _, err = export(capsys, "--store", str(demo_store.root), "--format", "parquet", "-o", str(folder), "--team", "Westgate")
    assert code == 0, err
    teams = duckdb.sql(f"select distinct team from read_parquet('{folder}/**/*.parquet', hive_partitioning = true)").fetchall()
    assert teams == [("Westgate",)]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp or old folders left
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.docx").write_text("keep me")
    code, _, err = export(capsys, "--store", str(demo_store.root), "--format", "parquet", "-o", str(precious))
    assert code == 1 and "not a previous export" in err
    assert (precious / "thesis.docx").read_text() == "keep me"


def test_observations_table_columns_come_from_ids_in_a_stable_order(demo_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = export(capsys, "--store", str(demo_store.root), "--table", "observations", "--format", "csv")
    assert code == 0
    header = out.splitlines()[0].split(",")
    assert header[: len(OBSERVATION_COLUMNS)] == list(OBSERVATION_COLUMNS)
    rest = header[len(OBSERVATION_COLUMNS) :]
    blocks = [[c for c in rest if c.startswith(p)] for p in ("section.", "global.", "counter.", "counter_rate.")]
    assert rest == blocks[0] + blocks[1] + blocks[2] + blocks[3]
    assert [c.removeprefix("counter_rate.") for c in blocks[3]] == [c.removeprefix("counter.") for c in blocks[2]]
    assert all(block == sorted(block) for block in blocks)
    registry = RubricRegistry.default()
    every_id = {f"section.{s.id}.percent" for r in registry.latest() for s in r.rubric.sections}
    assert set(blocks[0]) == every_id  # the union over the three demo rubrics
    frame = read_csv(out, observation_table(demo_store, registry).frame)
    assert len(frame) == 120 and frame["observation_id"].is_unique
    # A jersey observation has no seed-one-to-one columns: empty, not zero.
    jersey = frame.loc[frame["rubric_id"] == "jersey-interview-skills"]
    assert jersey["section.beginning.percent"].isna().all()
    assert jersey["section.setup.percent"].notna().any()


def test_section_percent_is_the_same_rule_as_the_team_summaries(demo_store: Store) -> None:
    registry = RubricRegistry.default()
    wide = observation_table(demo_store, registry, Filters(rubric_id="seed-one-to-one")).frame
    long = observation_scores(item_frame(demo_store, registry, rubric_id="seed-one-to-one"))
    for row in long.itertuples():
        mine = wide.loc[wide["observation_id"] == row.observation_id, f"section.{row.section}.percent"].item()
        assert mine == pytest.approx(row.percent, nan_ok=True)


def test_filters_as_in_summary(demo_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--store", str(demo_store.root), "--table", "observations", "--format", "jsonl"]
    code, out, _ = export(capsys, *args, "--team", "Westgate", "--team", "Riverside", "--from", "2026-01-01", "--to", "2026-06-30")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows and {r["team"] for r in rows} <= {"Westgate", "Riverside"}
    assert all("2026-01-01" <= r["session_date"] <= "2026-06-30" for r in rows)
    assert {r["quarter"] for r in rows} <= {"2026Q1", "2026Q2"}
    code, _, err = export(capsys, *args, "--from", "2026-13-01")
    assert code == 2 and "no month 13" in err and "day first" in err
    # Several teams after one --team, as in seeds-tui summary.
    code, out, err = export(capsys, *args, "--team", "Westgate", "Riverside", "--from", "2026-01-01", "--to", "2026-06-30")
    assert code == 0, err
    assert {json.loads(line)["team"] for line in out.splitlines()} == {"Westgate", "Riverside"}
    # Nothing matching exits 1, with the same message as the summary, and writes nothing.
    code, out, err = export(capsys, *args, "--team", "Nobody")
    assert code == 1 and out == "" and "no team called 'Nobody'" in err and "known teams: " in err
    code, out, err = export(capsys, *args, "--team", "Westgate", "--from", "2031-01-01")
    assert code == 1 and out == "" and "no final observations" in err and "match the rubric, teams and dates" in err
    code, _, err = export(capsys, *args, "--from", "2026-06-01", "--to", "2026-01-01")
    assert code == 2


def test_drafts_only_with_include_drafts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rubrics = tmp_path / "rubrics"
    write_rubric(rubrics)
    store = Store(tmp_path / "store")
    store.save_draft(scored())
    args = ["--store", str(store.root), "--rubrics", str(rubrics), "--table", "observations", "--format", "jsonl"]
    assert export(capsys, *args)[1] == ""
    code, out, _ = export(capsys, *args, "--include-drafts")
    assert code == 0
    [row] = [json.loads(line) for line in out.splitlines()]
    assert row["status"] == "draft" and row["section.structure.percent"] == pytest.approx(200 / 3)


def test_pseudonymise_uses_a_stable_key_kept_outside_the_export(
    demo_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "keys" / "pseudonym.key"
    args = ["--store", str(demo_store.root), "--table", "observations", "--format", "csv", "--pseudonymise", "--key-file", str(key_file)]
    code, first, _ = export(capsys, *args)
    assert code == 0
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert key not in first
    plain_names = observation_table(demo_store, RubricRegistry.default()).frame
    for name in set(plain_names["practitioner"]) | set(plain_names["observer"]):
        assert name not in first
    frame = pd.read_csv(io.StringIO(first))
    assert frame["practitioner"].str.fullmatch(r"P-[0-9A-F]+").all() and frame["observer"].str.fullmatch(r"O-[0-9A-F]+").all()
    # The same practitioner keeps one label; the same key gives the same labels next time.
    assert frame["practitioner"].nunique() == plain_names["practitioner"].nunique()
    assert export(capsys, *args)[1] == first
    other = [a if a != str(key_file) else str(tmp_path / "other.key") for a in args]
    assert export(capsys, *other)[1] != first
    # Without --key-file: the store's own key, the labels `seeds-tui summary` shows.
    code, out, _ = export(capsys, "--store", str(demo_store.root), "--format", "csv", "--pseudonymise")
    assert code == 0
    from seeds_tui.team.pseudonyms import pseudonym, pseudonym_key

    some = plain_names["practitioner"].iloc[0]
    assert pseudonym(some, pseudonym_key(demo_store), "P") in out and some not in out


def test_a_bad_key_file_is_refused_with_a_clear_message(demo_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.key"
    bad.write_text("not a key")
    code, out, err = export(capsys, "--store", str(demo_store.root), "--pseudonymise", "--key-file", str(bad))
    assert code == 1 and out == ""
    assert "64 hexadecimal" in err and str(bad) in err


def test_columns_never_shift_when_a_rubric_version_renames_and_adds_items(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rubrics = tmp_path / "rubrics"
    write_rubric(rubrics)
    RENAMED = '[renamed]\n"structure.agenda" = "structure.plan"\n\n'
    v2 = (
        SMALL_RUBRIC.replace('version = "1.2.0"', 'version = "1.3.0"')
        .replace('id = "agenda"\ntext = "Sets an agenda together"', 'id = "plan"\ntext = "Agrees a plan"')
        .replace('[[sections]]\nid = "relationship"', RENAMED + '[[sections]]\nid = "relationship"')
        + '\n[[sections.items]]\nid = "warmth"\ntext = "Shows warmth"\nscale = "quality"\nrequired = false\n'
    )
    write_rubric(rubrics, v2, "small-1.3.toml")
    registry = RubricRegistry([rubrics])
    assert not registry.errors
    store = Store(tmp_path / "store")
    old = scored().model_copy(update={"status": "final", "finalised": STAMP})
    store.ensure()
    from seeds_tui.core.observation import observation_to_toml

    store.final_path(old.id).write_text(observation_to_toml(old))
    new_ref = old.rubric.model_copy(update={"version": "1.3.0"})
    new = scored(draft()).model_copy(update={"rubric": new_ref, "status": "final", "finalised": STAMP})
    new_scores = {"structure": {"plan": Score(value=1)}, "relationship": {"empathy": Score(value=3), "warmth": Score(value=2)}}
    new = new.model_copy(update={"scores": new_scores})
    store.final_path(new.id).write_text(observation_to_toml(new))

    args = ["--store", str(store.root), "--rubrics", str(rubrics), "--format", "jsonl"]
    code, out, _ = export(capsys, *args)
    assert code == 0
    items = [json.loads(line) for line in out.splitlines()]
    assert all(list(r) == list(ITEM_EXPORT_COLUMNS) for r in items)
    assert {(r["rubric_version"], r["section"], r["item"]) for r in items if r["section"] == "structure"} == {
        ("1.2.0", "structure", "plan"), ("1.3.0", "structure", "plan"),
    }  # fmt: skip
    code, out, _ = export(capsys, *args, "--table", "observations")
    rows = {r["rubric_version"]: r for r in map(json.loads, out.splitlines())}
    assert list(rows["1.2.0"]) == list(rows["1.3.0"])
    assert rows["1.2.0"]["section.structure.percent"] == pytest.approx(200 / 3)
    assert rows["1.3.0"]["section.structure.percent"] == pytest.approx(100 / 3)


def test_usage_and_store_errors(tmp_path: Path, demo_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = export(capsys, "--store", str(demo_store.root), "--format", "parquet")
    assert code == 2 and "-o DIR" in err
    code, _, err = export(capsys, "--store", str(demo_store.root), "-o", str(demo_store.root / "inside.csv"))
    assert code == 2 and "outside the store" in err
    code, _, err = export(capsys, "--store", str(tmp_path / "nowhere"))
    assert code == 1 and "no store at" in err
    code, _, err = export(capsys, "--store", str(demo_store.root), "--key-file", str(tmp_path / "k"))
    assert code == 2


def test_messages_never_echo_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "store")
    store.ensure()
    (store.final_dir / "01JP4Z8Q2M3V5W6X7Y8Z9A0B1C.toml").write_text(f'schema = "seeds-observation/1"\npractitioner = "{SECRET}"\n')
    code, out, err = export(capsys, "--store", str(store.root), "--table", "observations")
    assert code == 1  # the only file could not be read: nothing matches
    assert SECRET not in out + err
    assert "could not be read and was left out" in err


def test_team_names_match_as_in_summary_for_both_tables(demo_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    team = str(item_frame(demo_store, RubricRegistry.default())["team"].iloc[0])
    loose = "  " + team.upper().replace(" ", "   ") + " "
    for table in ("items", "observations"):
        code, exact, _ = export(capsys, "--store", str(demo_store.root), "--table", table, "--team", team)
        assert code == 0
        code, matched, _ = export(capsys, "--store", str(demo_store.root), "--table", table, "--team", loose)
        assert code == 0 and matched == exact and exact.count("\n") > 1


def test_item_rows_come_out_in_one_documented_order(demo_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """Sorted by observation id, section, item: the same store always gives the same file, whatever
    order the cache parsed its files in (a nightly job can diff its exports)."""
    code, out, _ = export(capsys, "--store", str(demo_store.root))
    assert code == 0
    rows = pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)
    keys = list(zip(rows["observation_id"], rows["section"], rows["item"], strict=True))
    assert len(keys) > 100 and keys == sorted(keys)


def test_order_or_licence_and_the_feedback_conversation_are_columns_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Schema 3's ``sentence``, the session's own time and the feedback conversation's date and
    time come after ``session_ref`` (no earlier column moves), the same in CSV, JSON Lines and
    Parquet; an observation that did not record them has them empty."""
    from seeds_tui.core.observation import Feedback

    rubrics = tmp_path / "rubrics"
    write_rubric(rubrics)
    store = Store(tmp_path / "store")
    recorded = scored(draft(sentence="licence", elapsed=2710))
    recorded = recorded.model_copy(update={"feedback": Feedback(date=date(2026, 11, 24), elapsed=905)})
    store.save_draft(recorded)
    store.save_draft(scored(draft()))
    args = ["--store", str(store.root), "--rubrics", str(rubrics), "--table", "observations", "--include-drafts"]
    assert OBSERVATION_COLUMNS[OBSERVATION_COLUMNS.index("session_ref") + 1 :] == (
        "sentence", "session_seconds", "feedback_date", "feedback_seconds", "change_target", "focus",
    )  # fmt: skip
    code, out, _ = export(capsys, *args, "--format", "jsonl")
    assert code == 0
    by_id = {row["observation_id"]: row for row in map(json.loads, out.splitlines())}
    mine = by_id.pop(recorded.id)
    [other] = by_id.values()
    assert (mine["sentence"], mine["session_seconds"], mine["feedback_date"], mine["feedback_seconds"]) == (
        "licence",
        2710,
        "2026-11-24",
        905,
    )
    assert (other["sentence"], other["feedback_date"], other["feedback_seconds"]) == (None, None, None)
    code, out, _ = export(capsys, *args, "--format", "csv")
    frame = pd.read_csv(io.StringIO(out))
    assert list(frame.columns[: len(OBSERVATION_COLUMNS)]) == list(OBSERVATION_COLUMNS)
    row = frame.loc[frame["observation_id"] == recorded.id].iloc[0]
    assert (row["sentence"], row["session_seconds"], row["feedback_date"], row["feedback_seconds"]) == ("licence", 2710, "2026-11-24", 905)
    folder = tmp_path / "parquet"
    assert export(capsys, *args, "--format", "parquet", "-o", str(folder))[0] == 0
    got = duckdb.sql(
        f"select sentence, session_seconds, feedback_date, feedback_seconds from read_parquet('{folder}/**/*.parquet', "
        f"hive_partitioning = true) where observation_id = '{recorded.id}'"
    ).fetchall()
    assert got == [("licence", 2710, date(2026, 11, 24), 905)]


def test_the_change_target_and_tally_rates_are_columns_empty_without_press_times(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Schema 4's ``change_target`` comes last among the metadata; ``counter_rate.<id>`` (presses per
    minute, as on the sheet) follows the counters, empty for an observation that kept no press times."""
    fixture = Path(__file__).resolve().parent / "data" / "schema_versions" / "seeds-observation-4.toml"
    timed = load_observation(fixture)
    untimed = timed.model_copy(
        update={"id": "01JP4Z8Q2M3V5W6X7Y8Z9A0B4F", "counter_times": {}, "session": timed.session.model_copy(update={"change_target": ""})}
    )
    store = Store(tmp_path / "store")
    store.final_dir.mkdir(parents=True)
    for obs in (timed, untimed):
        store.final_path(obs.id).write_text(observation_to_toml(obs))
    code, out, _ = export(capsys, "--store", str(store.root), "--table", "observations", "--format", "jsonl")
    assert code == 0
    rows = {row["observation_id"]: row for row in map(json.loads, out.splitlines())}
    mine, other = rows[timed.id], rows[untimed.id]
    assert list(mine)[len(OBSERVATION_COLUMNS) - 2] == "change_target" and mine["change_target"] == "attending appointments"
    assert list(mine)[len(OBSERVATION_COLUMNS) - 1] == "focus" and mine["focus"] is None  # schema 5's, empty in a schema 4 file
    assert (mine["counter.open_question"], mine["counter_rate.open_question"]) == (6, 0.15)  # 6 in 40 minutes
    assert mine["counter_rate.complex_reflection"] == 0.08 and mine["counter_rate.persuading"] == 0.0
    assert other["change_target"] is None and other["counter.open_question"] == 6 and other["counter_rate.open_question"] is None
    keys = list(mine)
    assert keys.index("counter_rate.affirmation") > max(i for i, k in enumerate(keys) if k.startswith("counter."))
