"""`seeds-tui compare`: two observers of one session, and every double-scored session in a store."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from seeds_tui.calibration.pairing import calibration_sessions
from seeds_tui.cli import main
from seeds_tui.core.observation import Observation, RubricRef, Score, Session, new_observation, now, observation_to_toml
from seeds_tui.core.rubric import Rubric, RubricRegistry
from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage.store import Store

TODAY = date(2026, 11, 23)


def _observation(
    observer: str, values: dict[str, int | str], *, status: str = "final", ref: str = "CAL-2026-09-01-W1"
) -> tuple[Observation, Rubric]:
    loaded = RubricRegistry.default().get("jersey-interview-skills")
    obs = new_observation(
        rubric=RubricRef(id=loaded.rubric.id, version=loaded.rubric.version, sha256=loaded.sha256),
        session=Session(date=date(2026, 9, 1), observer=observer, practitioner="Pat", team="West", purpose="calibration", session_ref=ref),
    )
    for section in loaded.rubric.sections:
        for item in section.items:
            v = values.get(f"{section.id}.{item.id}", 1)
            obs.scores.setdefault(section.id, {})[item.id] = Score(code=v) if isinstance(v, str) else Score(value=v)
    if status == "final":
        obs = obs.model_copy(update={"status": "final", "finalised": now()})
    return obs, loaded.rubric


def _write(tmp_path: Path, *observations: Observation) -> list[str]:
    paths = []
    for pos, obs in enumerate(observations):
        path = tmp_path / f"{pos}.toml"
        path.write_text(observation_to_toml(obs))
        paths.append(str(path))
    return paths


def test_two_files_show_percentages_first_then_alpha_and_the_items_to_discuss(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, rubric = _observation(
        "Ann Observer", {"setup.arrangements": 2, "setup.purpose": 0, "mi.affirms": 0, "setup.review": "NA", "verbal.reflections": "NO"}
    )
    b, _ = _observation(
        "Bo Observer", {"setup.arrangements": 0, "setup.purpose": 1, "mi.affirms": 2, "setup.review": "NA", "verbal.reflections": 1}
    )
    a.scores["mi"]["affirms"] = Score(value=0, evidence="No affirmation despite clear efforts.")
    b.scores["mi"]["affirms"] = Score(value=2, evidence="Affirmed the job search, specifically.")
    fa, fb = _write(tmp_path, a, b)
    assert main(["compare", fa, fb]) == 0
    out = capsys.readouterr().out
    n = len(rubric.item_keys) - 2  # one NA pair, one level against NO
    assert f"OVERALL: {n} items given a level by both observers (2 more not counted" in out
    assert f"({n - 3} of {n} items)" in out and f"({n - 2} of {n} items)" in out
    # Plain percentages come before any coefficient; the items to discuss come before the full list.
    assert out.index("Same level (exact)") < out.index("Within one level") < out.index("Krippendorff's alpha")
    assert out.index("Krippendorff's alpha") < out.index("Section scores (ICC)")
    first_block = out[out.index("TO DISCUSS FIRST") : out.index("THEN:")]
    assert "setup.arrangements" in first_block and "mi.affirms" in first_block and "setup.purpose" not in first_block
    assert "No affirmation despite clear efforts." in first_block and "Affirmed the job search, specifically." in first_block
    assert "verbal.reflections" in out[out.index("THEN: a level from one observer") :]
    assert "For discussion, not a verdict" in out
    assert "1 with the same code from both" in out and "1 with a level from one and NA/NO from the other" in out


def test_two_files_as_json_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, rubric = _observation("Ann Observer", {"setup.arrangements": 2, "mi.affirms": 0, "setup.review": "NA"})
    b, _ = _observation("Bo Observer", {"setup.arrangements": 1, "mi.affirms": 2, "setup.review": "NA"})
    fa, fb = _write(tmp_path, a, b)
    assert main(["compare", "--json", fa, fb]) == 0
    data = json.loads(capsys.readouterr().out)
    n = len(rubric.item_keys)
    assert data["overall"]["compared"] == n - 1 and data["overall"]["excluded"] == 1
    assert data["overall"]["exact_percent"] == pytest.approx(100 * (n - 3) / (n - 1))
    assert data["overall"]["alpha_metric"] == "ordinal"
    assert data["for_discussion"] == ["mi.affirms", "setup.arrangements"]
    assert [s["id"] for s in data["sections"]] == [s.id for s in rubric.sections]
    assert len(data["items"]) == n and data["icc_band"] in {"poor", "moderate", "good", "excellent", None}
    assert main(["compare", "--format", "csv", fa, fb]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == n
    assert {r["item"]: r["outcome"] for r in rows}["mi.affirms"] == "apart"


def test_drafts_are_refused_without_showing_any_score(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, _ = _observation("Ann Observer", {"setup.arrangements": 2})
    b, _ = _observation("Bo Observer", {"setup.arrangements": 0}, status="draft")
    fa, fb = _write(tmp_path, a, b)
    assert main(["compare", fa, fb]) == 1
    captured = capsys.readouterr()
    assert "both observers must finalise before their scores are compared" in captured.err
    assert captured.out == ""


def test_different_rubrics_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, _ = _observation("Ann Observer", {})
    fa, fb = _write(tmp_path, a, a)
    Path(fb).write_text(observation_to_toml(a).replace('id = "jersey-interview-skills"', 'id = "seed-one-to-one"'))
    assert main(["compare", fa, fb]) == 1
    assert "only observations of one rubric can be compared" in capsys.readouterr().err


def test_warns_when_files_are_not_one_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, _ = _observation("Ann Observer", {})
    b, _ = _observation("Bo Observer", {})
    b = b.model_copy(update={"session": b.session.model_copy(update={"practitioner": "Someone Else"})})
    fa, fb = _write(tmp_path, a, b)
    assert main(["compare", fa, fb]) == 0
    err = capsys.readouterr().err
    assert "the practitioner differs" in err and "Someone Else" not in err
    assert main(["compare", fa, fa]) == 0
    assert "both files are the same observation" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["compare", "a.toml"],
        ["compare", "a.toml", "b.toml", "c.toml"],
        ["compare", "--store", "STORE", "a.toml", "b.toml"],
        ["compare", "a.toml", "b.toml", "--by", "quarter"],
        ["compare", "--json", "--format", "csv"],
        ["compare", "--by", "week"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [str(tmp_path) if a == "STORE" else a for a in argv]
    assert main(argv) == 2
    assert capsys.readouterr().err


def test_store_with_no_double_scored_sessions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "store")
    store.ensure()
    assert main(["compare", "--store", str(store.root)]) == 0
    assert "No double-scored sessions yet" in capsys.readouterr().out
    assert main(["compare", "--store", str(tmp_path / "missing")]) == 1


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("compare") / "store")
    generate_demo(store, 500, seed=3, today=TODAY)
    # One pair still waiting for its second observer to finalise.
    a, _ = _observation("Ann Observer", {}, ref="CAL-WAITING")
    b, _ = _observation("Bo Observer", {}, ref="CAL-WAITING", status="draft")
    store.save_draft(b)
    (store.final_dir / f"{a.id}.toml").write_text(observation_to_toml(a))
    return store


def test_store_report_covers_every_ready_session(demo_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    sessions, errors = calibration_sessions(demo_store)
    ready = [s for s in sessions if s.ready]
    assert errors == [] and len(ready) >= 5
    assert main(["compare", "--store", str(demo_store.root), "--json", "--by", "quarter"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sessions"] == len(ready)
    assert data["with_consensus"] == sum(s.consensus is not None for s in ready) > 0
    assert sum(p["sessions"] for p in data["pairs"]) == len(ready)
    assert sum(p["sessions"] for p in data["periods"]) == len(ready)
    assert sum(p["compared"] for p in data["pairs"]) == data["overall"]["compared"]
    assert sum(i["compared"] for i in data["items"]) == data["overall"]["compared"]
    pairs = Counter(
        " & ".join(sorted((a.session.observer, b.session.observer), key=str.casefold)) for a, b in (s.pair for s in ready if s.pair)
    )
    assert {p["pair"]: p["sessions"] for p in data["pairs"]} == dict(pairs)
    assert data["icc_form"].startswith("ICC(1,1)") and data["icc_targets"] > 10
    assert 50 < data["overall"]["exact_percent"] < 95 and data["overall"]["within_one_percent"] > 90
    waiting = [s for s in data["not_ready"] if s["session_ref"] == "CAL-WAITING"]
    assert waiting == [
        {
            "session_ref": "CAL-WAITING",
            "date": "2026-09-01",
            "observations": 2,
            "waiting_for": 1,
            "why": "waiting for 1 of 2 to finalise (Bo Observer)",
        }
    ]


def test_store_report_as_text_and_csv(demo_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--store", str(demo_store.root), "--by", "quarter"]) == 0
    out = capsys.readouterr().out
    for heading in ("OVERALL:", "BY QUARTER", "BY OBSERVER PAIR", "BY ITEM AND QUARTER", "NOT READY TO COMPARE"):
        assert heading in out
    assert out.index("Same level (exact)") < out.index("Krippendorff's alpha") < out.index("ICC(1,1)")
    assert "CAL-WAITING" in out and "waiting for 1 of 2 to finalise" in out
    assert main(["compare", "--store", str(demo_store.root), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    tables = Counter(r["table"] for r in rows)
    assert tables["overall"] == 1 and tables["pair"] >= 2 and tables["item"] > 20 and "period" not in tables


# -- stores where nothing is ready, files with problems, small numbers -----------------------------------


def _store_with(tmp_path: Path, *observations: Observation) -> Store:
    """A store holding ``observations``: finals in observations/, drafts in drafts/ (written as the files are)."""
    store = Store(tmp_path / "store")
    store.ensure()
    for obs in observations:
        folder = store.final_dir if obs.status == "final" else store.draft_dir
        (folder / f"{obs.id}.toml").write_text(observation_to_toml(obs))
    return store


def _seed(observer: str, *, status: str = "final", ref: str = "CAL-2026-09-01-W1") -> Observation:
    """An observation of the same session, scored on the other bundled rubric (seed-one-to-one)."""
    obs, _ = _observation(observer, {}, status=status, ref=ref)
    loaded = RubricRegistry.default().get("seed-one-to-one")
    scores = {s.id: {i.id: Score(value=1) for i in s.items} for s in loaded.rubric.sections}
    return obs.model_copy(
        update={
            "rubric": RubricRef(id=loaded.rubric.id, version=loaded.rubric.version, sha256=loaded.sha256),
            "scores": scores,
        }
    )


NOT_READY_SHAPES = {
    "only drafts": (
        lambda: [_observation("Ann Observer", {}, status="draft")[0], _observation("Bo Observer", {}, status="draft")[0]],
        "waiting for 2 of 2 to finalise",
    ),
    "one side final": (
        lambda: [_observation("Ann Observer", {})[0], _observation("Bo Observer", {}, status="draft")[0]],
        "waiting for 1 of 2 to finalise",
    ),
    "same observer twice": (
        lambda: [_observation("Ann Observer", {})[0], _observation("Ann Observer", {})[0]],
        "both by the same observer",
    ),
    "different rubrics": (lambda: [_observation("Ann Observer", {})[0], _seed("Bo Observer")], "scored with different rubrics"),
    "three files": (
        lambda: [_observation(name, {})[0] for name in ("Ann Observer", "Bo Observer", "Cy Observer")],
        "three observations share this reference",
    ),
}


@pytest.mark.parametrize("shape", sorted(NOT_READY_SHAPES))
def test_store_with_sessions_but_none_ready_lists_them_without_scores(
    shape: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, why = NOT_READY_SHAPES[shape]
    store = _store_with(tmp_path, *make())
    root = str(store.root)

    assert main(["compare", "--store", root]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and captured.err == ""
    assert "NOT READY TO COMPARE (1; no scores shown)" in captured.out and why in captured.out
    assert "CAL-2026-09-01-W1" in captured.out
    assert "%" not in captured.out and "alpha" not in captured.out.lower()  # no figure of any kind

    assert main(["compare", "--store", root, "--by", "quarter"]) == 0
    assert why in capsys.readouterr().out

    assert main(["compare", "--store", root, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sessions"] == 0 and data["pairs"] == [] and data["items"] == [] and data["periods"] == []
    assert [(s["session_ref"], why in s["why"]) for s in data["not_ready"]] == [("CAL-2026-09-01-W1", True)]

    assert main(["compare", "--store", root, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["table"], r["status"], r["session_ref"]) for r in rows] == [("not_ready", "not ready", "CAL-2026-09-01-W1")]
    assert why in rows[0]["why"] and rows[0]["exact_percent"] == rows[0]["alpha"] == ""


def _off_scale(observer: str) -> Observation:
    """A final observation with value 9 on a 0-2 item (``seeds-tui validate`` rejects it)."""
    obs, _ = _observation(observer, {})
    obs.scores["setup"]["arrangements"] = Score(value=9)
    return obs


def test_two_files_with_a_value_off_the_scale_are_refused_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, _ = _observation("Ann Observer", {})
    fa, fb = _write(tmp_path, good, _off_scale("Bo Observer"))
    assert main(["validate", fb]) == 1  # what validate says, compare says too
    capsys.readouterr()
    assert main(["compare", fa, fb]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # no figure built on a level that does not exist (it printed 200% before)
    line = Path(fb).read_text().splitlines().index(next(ln for ln in Path(fb).read_text().splitlines() if ln.startswith("value = 9"))) + 1
    assert f"{fb}:{line}: scores.setup.arrangements.value: value is not a level of scale" in captured.err
    assert main(["compare", "--format", "csv", fb, fa]) == 1
    assert capsys.readouterr().out == ""
    # --json keeps its promise of one JSON object: the error, no figure.
    assert main(["compare", "--json", fb, fa]) == 1
    refused = json.loads(capsys.readouterr().out)
    assert refused["ok"] is False and refused["exit_code"] == 1 and "agreement" not in refused


def test_store_leaves_out_a_session_with_a_bad_file_and_reports_unreadable_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = [_observation(name, {}, ref="CAL-GOOD")[0] for name in ("Ann Observer", "Bo Observer")]
    off = _off_scale("Bo Observer")
    bad = [
        _observation("Ann Observer", {}, ref="CAL-BAD")[0],
        off.model_copy(update={"session": off.session.model_copy(update={"session_ref": "CAL-BAD"})}),
    ]
    store = _store_with(tmp_path, *good, *bad)
    bad_path = store.final_dir / f"{bad[1].id}.toml"
    root = str(store.root)

    assert main(["compare", "--store", root]) == 1  # the input had problems
    captured = capsys.readouterr()
    assert f"{bad_path}:" in captured.err and "value is not a level of scale" in captured.err
    assert "ready to compare" in captured.out and "Double-scored sessions in" in captured.out  # the rest is still shown
    assert "CAL-BAD" in captured.out and f"a file has problems: run seeds-tui validate {bad_path}" in captured.out

    assert main(["compare", "--store", root, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    items = len(RubricRegistry.default().get("jersey-interview-skills").rubric.item_keys)
    assert data["sessions"] == 1 and data["overall"]["compared"] == items  # only CAL-GOOD's items (every item level 1)
    assert [s["session_ref"] for s in data["not_ready"]] == ["CAL-BAD"]

    # A file that is not TOML at all (it mentions calibration, so it may be one) is named on stderr: exit 1.
    broken = store.final_dir / "01K00000000000000000000000.toml"
    broken.write_text('purpose = "calibration"\nthis is not toml [\n')
    assert main(["compare", "--store", root, "--format", "csv"]) == 1
    captured = capsys.readouterr()
    assert str(broken) in captured.err and "not readable and left out" in captured.err
    assert any(r["table"] == "overall" for r in csv.DictReader(io.StringIO(captured.out)))


def test_store_does_not_pair_files_of_different_sessions_sharing_a_reference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, _ = _observation("Ann Observer", {})
    b, _ = _observation("Bo Observer", {"setup.arrangements": 0})
    b = b.model_copy(update={"session": b.session.model_copy(update={"date": date(2026, 10, 5), "practitioner": "Someone Else"})})
    store = _store_with(tmp_path, a, b)
    assert main(["compare", "--store", str(store.root), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sessions"] == 0 and data["pairs"] == []  # not in any figure or drift table
    assert data["not_ready"][0]["why"] == "the two files do not look like one session (the session date and practitioner differ)"
    # Asked for explicitly, the two files are still compared, with the warning.
    fa, fb = _write(tmp_path, a, b)
    assert main(["compare", fa, fb]) == 0
    assert "the session date and practitioner differ" in capsys.readouterr().err


def test_store_pairs_references_that_differ_only_by_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, _ = _observation("Ann Observer", {}, ref="cal-2026-09-01-w1")
    b, _ = _observation("Bo Observer", {}, ref="CAL-2026-09-01-W1")
    store = _store_with(tmp_path, a, b)
    assert main(["compare", "--store", str(store.root), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sessions"] == 1 and data["not_ready"] == []
    fa, fb = _write(tmp_path, a, b)
    assert main(["compare", fa, fb]) == 0
    assert "session references differ" not in capsys.readouterr().err


def test_store_marks_figures_resting_on_few_data(demo_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--store", str(demo_store.root), "--json", "--by", "quarter"]) == 0
    data = json.loads(capsys.readouterr().out)
    for row in data["pairs"] + data["periods"]:
        assert row["few_data"] == (row["sessions"] == 1 or row["compared"] < 10), row
    for row in data["items"]:
        assert row["few_data"] == (row["compared"] < 5), row
    assert all("icc" in p and "icc_band" in p for p in data["periods"])  # the same figures per period, ICC too
    one_session = [p for p in data["pairs"] if p["sessions"] == 1]
    assert one_session  # the demo has pairs who double-scored once

    assert main(["compare", "--store", str(demo_store.root), "--by", "quarter"]) == 0
    out = capsys.readouterr().out
    pairs = out[out.index("BY OBSERVER PAIR") : out.index("BY ITEM")]
    for p in data["pairs"]:
        line = next(ln for ln in pairs.splitlines() if ln.startswith(p["pair"] + "  "))
        assert ("*" in line) == p["few_data"], line
    assert "* rests on one session or on fewer than 10 items" in pairs
    periods = out[out.index("BY QUARTER") : out.index("BY OBSERVER PAIR")]
    assert "ICC" in periods.splitlines()[1]
    assert "* n below 5: one session changes these percentages a lot" in out[out.index("BY ITEM") :]

    assert main(["compare", "--store", str(demo_store.root), "--format", "csv", "--by", "quarter"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    pair_rows = {r["pair"]: r for r in rows if r["table"] == "pair"}
    for p in data["pairs"]:
        row = pair_rows[p["pair"]]
        assert row["alpha_band"] == (p["alpha_band"] or "") and row["excluded"] == str(p["excluded"])
        assert row["few_data"] == ("yes" if p["few_data"] else "no")
    assert {r["session_ref"] for r in rows if r["table"] == "not_ready"} == {s["session_ref"] for s in data["not_ready"]}
    assert sum(r["table"] == "period" and r["icc"] != "" for r in rows) >= 1


# -- "was the skill called for?": a level against NA or NO is agreement data too ---------------------


def test_a_level_against_na_is_reported_as_occasion_agreement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, rubric = _observation("Ann Observer", {"setup.review": "NA", "mi.affirms": 2, "verbal.reflections": "NO", "setup.purpose": "NA"})
    b, _ = _observation("Bo Observer", {"setup.review": "NA", "mi.affirms": "NA", "verbal.reflections": 1, "setup.purpose": "NO"})
    n = len(rubric.item_keys)
    fa, fb = _write(tmp_path, a, b)
    assert main(["compare", fa, fb]) == 0
    out = capsys.readouterr().out
    assert "Same occasion" in out and f"({n - 3} of {n} items scored by both" in out
    assert "1 a level against NA (called for, or not?); 1 a level against NO (one could judge, one could not); 1 NA against NO" in out
    assert main(["compare", "--json", fa, fb]) == 0
    overall = json.loads(capsys.readouterr().out)["overall"]
    assert (overall["judged"], overall["level_vs_na"], overall["level_vs_no"], overall["na_vs_no"]) == (n, 1, 1, 1)
    assert overall["occasion_percent"] == pytest.approx(100 * (n - 3) / n)


def test_across_a_store_each_item_shows_how_often_the_observers_disagreed_on_its_occasion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sessions = []
    for day in (1, 2, 3):
        ref = f"CAL-2026-09-0{day}-W1"
        # mi.affirms: a level against NA twice, NA from both once; setup.review: NA from both every time.
        first = {"mi.affirms": 2 if day < 3 else "NA", "setup.review": "NA"}
        second = {"mi.affirms": "NA", "setup.review": "NA"}
        sessions += [_observation("Ann Observer", first, ref=ref)[0], _observation("Bo Observer", second, ref=ref)[0]]
    store = _store_with(tmp_path, *sessions)
    assert main(["compare", "--store", str(store.root), "--json"]) == 0
    items = {row["item"]: row for row in json.loads(capsys.readouterr().out)["items"]}
    affirms = items["mi.affirms"]
    assert (affirms["compared"], affirms["judged"], affirms["level_vs_na"]) == (0, 3, 2)
    assert affirms["occasion_percent"] == pytest.approx(100 / 3) and affirms["exact_percent"] is None
    assert (items["setup.review"]["judged"], items["setup.review"]["occasion_percent"]) == (3, 100.0)
    assert items["setup.arrangements"]["compared"] == 3 and items["setup.arrangements"]["occasion_percent"] == 100.0
    assert main(["compare", "--store", str(store.root), "--format", "csv"]) == 0
    rows = [r for r in csv.DictReader(io.StringIO(capsys.readouterr().out)) if r["table"] == "item"]
    row = next(r for r in rows if r["item"] == "mi.affirms")
    assert (row["judged"], row["level_vs_na"], row["occasion_percent"]) == ("3", "2", "33.3333")
    assert main(["compare", "--store", str(store.root)]) == 0
    text = capsys.readouterr().out
    line = next(ln for ln in text.splitlines() if ln.startswith("jersey-interview-skills mi.affirms"))
    assert line.split()[-2:] == ["33%", "2"]


def test_two_files_as_csv_read_right_by_pandas_defaults(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """NA and NO are words (as in the exports): pandas' defaults read the same scores as the JSON
    gives, never an NA code taken for a missing value."""
    import pandas as pd

    a, _ = _observation("Ann Observer", {"setup.arrangements": 2, "setup.review": "NA", "verbal.reflections": "NO"})
    b, _ = _observation("Bo Observer", {"setup.arrangements": 1, "setup.review": "NA", "verbal.reflections": 1})
    fa, fb = _write(tmp_path, a, b)
    assert main(["compare", "--json", fa, fb]) == 0
    words = {"NA": "not_applicable", "NO": "not_observed"}
    expected = {
        i["key"]: (words.get(i["first"], i["first"]), words.get(i["second"], i["second"]))
        for i in json.loads(capsys.readouterr().out)["items"]
    }
    assert main(["compare", "--format", "csv", fa, fb]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))

    def read(value: object) -> object:
        try:
            return int(float(str(value)))
        except ValueError:
            return value

    got = {r.item: (read(r.first), read(r.second)) for r in frame.itertuples()}
    assert got == expected
    assert got["setup.review"] == ("not_applicable", "not_applicable") and got["verbal.reflections"] == ("not_observed", 1)
