"""No personal data leaks into messages: a unique marker in every text field of invalid files.

Observation files carry the marker in every free-text and name field (observer, practitioner,
team, session type, case and session references, evidence, notes, marks, strengths,
development areas, actions and their owners, carried actions, comments); rubric files in every
title, label, descriptor and guidance; zips carry such observation files. Each is then made
invalid in many ways (torn at many points, a wrong type in each field, a value too long, a
pattern broken, unknown keys, duplicate keys, a score for an item the rubric does not have...).
The marker must appear 0 times in exception messages, log records (DEBUG) and CLI output.
"""

from __future__ import annotations

import io
import json
import logging
import random
import re
import zipfile
from pathlib import Path

import pytest
from harness import figure
from helpers_core import SMALL_RUBRIC, draft, scored

from seeds_tui.cli import main
from seeds_tui.core.errors import SeedsError
from seeds_tui.core.observation import Action, CarriedAction, Event, Feedback, LinkedNote, load_observation, observation_to_toml
from seeds_tui.core.rubric import load_rubric

#: Valid inside names, references and notes alike (letters and digits), and found nowhere else.
MARK = "Qz7Leak9Xw"


def _marked_observation() -> str:
    """A valid observation whose every text field holds the marker."""
    obs = scored(draft(practitioner=f"{MARK} P", team=f"{MARK} T", observer=f"{MARK} O", session_type=f"{MARK} type",
                       case_reference=f"{MARK}1", session_ref=f"{MARK}-ref"))  # fmt: skip
    scores = {s: {i: sc.model_copy(update={"evidence": f"{MARK} evidence"}) for i, sc in items.items()} for s, items in obs.scores.items()}
    feedback = Feedback(
        self_assessment=f"{MARK} self",
        strengths=[LinkedNote(text=f"{MARK} strength", item="structure.agenda")],
        development_areas=[LinkedNote(text=f"{MARK} area")],
        actions=[Action(text=f"{MARK} action", owner=f"{MARK} owner")],
        carried=[CarriedAction(source=obs.id, index=0, text=f"{MARK} carried", owner=f"{MARK} o", comment=f"{MARK} c")],
        practitioner_comment=f"{MARK} comment",
    )
    events = [Event(at=obs.created, elapsed=5, text=f"{MARK} mark")]
    obs = obs.model_copy(update={"scores": scores, "feedback": feedback, "events": events,
                                 "section_notes": {"structure": f"{MARK} note"}})  # fmt: skip
    text = observation_to_toml(obs)
    assert text.count(MARK) >= 15
    return text


def _marked_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines()) if MARK in line]


def invalid_observations() -> dict[str, str]:
    """The marked observation made invalid in many ways."""
    base = _marked_observation()
    lines = base.splitlines()
    marked = _marked_lines(base)
    cases: dict[str, str] = {}
    rng = random.Random(7)
    for cut in sorted(rng.sample(range(1, len(base)), 60)):
        cases[f"torn at byte {cut}"] = base[:cut]
    for n in marked:
        key, _, value = lines[n].partition(" = ")
        for how, new in {
            "array": f"[{value}]",
            "table": f"{{ x = {value} }}",
            "too long": '"' + (MARK + " ") * 3000 + '"',
            "newlines": '"' + f"{MARK}\\n" * 3 + '"',
            "control": f'"{MARK}\\u0007"',
            "unterminated": f'"{MARK}',
        }.items():
            cases[f"line {n + 1} ({key.strip()}) as {how}"] = "\n".join([*lines[:n], f"{key} = {new}", *lines[n + 1 :]])
        cases[f"line {n + 1} duplicated"] = "\n".join([*lines[: n + 1], lines[n], *lines[n + 1 :]])
    cases["unknown top-level key"] = base.replace("events = [", f'nickname = "{MARK}"\nevents = [', 1)
    cases["marker as a key"] = base + f'\n[scores.structure.{MARK.lower()}]\nvalue = 1\nevidence = "{MARK}"\n'
    cases["marker as a quoted key"] = base + f'\n[scores."{MARK} x".a]\nvalue = 1\n'
    cases["score for an unknown item"] = base.replace("[scores.structure.agenda]", "[scores.structure.nosuch]", 1)
    cases["level off the scale"] = re.sub(r"^value = 2$", "value = 99", base, count=1, flags=re.MULTILINE)
    cases["case reference with spaces"] = base.replace(f'case_reference = "{MARK}1"', f'case_reference = "{MARK} Smith"', 1)
    cases["newer schema"] = re.sub(r'^schema = "[^"]*"', 'schema = "seeds-observation/99"', base, count=1, flags=re.MULTILINE)
    cases["nan"] = base.replace("elapsed = 600", "elapsed = nan", 1)
    return cases


def invalid_rubrics() -> dict[str, str]:
    """The small rubric with the marker in every text, made invalid in many ways."""
    base = re.sub(r'^(title|description|label|descriptor|text|guidance) = "', rf'\1 = "{MARK} ', SMALL_RUBRIC, flags=re.MULTILINE)
    load_rubric_text_is_valid(base)
    lines = base.splitlines()
    cases = {}
    for cut in sorted(random.Random(8).sample(range(1, len(base)), 30)):
        cases[f"torn at byte {cut}"] = base[:cut]
    for n in _marked_lines(base):
        key, _, value = lines[n].partition(" = ")
        for how, new in {"array": f"[{value}]", "too long": '"' + MARK * 600 + '"', "unterminated": f'"{MARK}'}.items():
            cases[f"line {n + 1} ({key.strip()}) as {how}"] = "\n".join([*lines[:n], f"{key} = {new}", *lines[n + 1 :]])
    cases["unknown key"] = base.replace('version = "1.2.0"', f'version = "1.2.0"\nowner = "{MARK}"', 1)
    cases["marker in an id"] = base.replace('id = "agenda"', f'id = "{MARK}"', 1)
    return cases


def load_rubric_text_is_valid(text: str) -> None:
    """Guard: the marked base rubric itself is valid (so each case tests one mistake)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.toml"
        path.write_text(text, encoding="utf-8")
        load_rubric(path)


def _zip_of(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for n, text in enumerate(files.values()):
            archive.writestr(f"case-{n:03d}.toml", text)
    return buf.getvalue()


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    code = main(args)
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return f"exit {code}\n{out.out}{out.err}"


def test_marker_never_leaks(tmp_path: Path, rubric_dir: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    """Every invalid file: the error, the logs and every command's output hold 0 markers."""
    caplog.set_level(logging.DEBUG)
    observations = invalid_observations()
    rubrics = invalid_rubrics()
    obs_dir = tmp_path / "obs"
    obs_dir.mkdir()
    leaks: list[str] = []
    common = ["--rubrics", str(rubric_dir)]
    written = {}
    for n, (name, text) in enumerate(observations.items()):
        path = obs_dir / f"case-{n:03d}.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        written[path] = name
    # Some mutations still give a valid file (a note may hold newlines; a cut at a line's end):
    # keep only the files validate refuses, since a valid file's notes are meant to be shown.
    # (All are mutations of one observation, so validate also calls them copies of one id: that
    # says nothing of what is in a file, and does not count here.)
    capsys.readouterr()
    main(["validate", str(obs_dir), "--json", *common])
    report = json.loads(capsys.readouterr().out)
    refused = {Path(p["file"]).name for p in report["problems"] if "same observation id" not in p["message"]}
    for path in list(written):
        if path.name not in refused:
            path.unlink()
            del written[path]
    paths = sorted(written)
    for path in paths:
        try:
            load_observation(path)
        except SeedsError as exc:
            if MARK in str(exc) or MARK in repr(getattr(exc, "problems", "")):
                leaks.append(f"load_observation {written[path]}: {exc}")
    rubric_paths = []
    for n, (name, text) in enumerate(rubrics.items()):
        path = tmp_path / "bad-rubrics" / f"rubric-{n:03d}.toml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        try:
            load_rubric(path)
        except SeedsError as exc:
            rubric_paths.append(path)
            if MARK in str(exc):
                leaks.append(f"load_rubric {name}: {exc}")
        else:
            path.unlink()
    assert len(paths) > 0.6 * len(observations) and len(rubric_paths) > 0.8 * len(rubrics), "most mutations make an invalid file"
    archive = tmp_path / "cases.zip"
    archive.write_bytes(_zip_of({p.name: p.read_text(encoding="utf-8", errors="surrogateescape") for p in paths}))
    store = tmp_path / "store"
    outputs = {
        "validate folder": _cli(["validate", str(obs_dir), *common], capsys),
        "validate --json": _cli(["validate", str(obs_dir), "--json", *common], capsys),
        "import folder": _cli(["import", str(obs_dir), "--store", str(store), "-v", *common], capsys),
        "import zip --json": _cli(["import", str(archive), "--store", str(store), "--json", *common], capsys),
        "validate zip": _cli(["validate", str(archive), *common], capsys),
        "rubric check": _cli(["rubric", "check", *map(str, rubric_paths)], capsys),
        "rubric list": _cli(["rubric", "list", "--rubrics", str(tmp_path / "bad-rubrics")], capsys),
    }
    for path in paths[::5]:
        outputs[f"report {path.name}"] = _cli(["report", str(path), *common], capsys)
    # A store holding the invalid files: summary and export report them without quoting them.
    (store / "observations").mkdir(parents=True, exist_ok=True)
    for n, path in enumerate(paths):
        (store / "observations" / f"01M83VVAE0{n:016d}.toml").write_bytes(path.read_bytes())
    outputs["summary"] = _cli(["summary", "--store", str(store), *common], capsys)
    outputs["export"] = _cli(["export", "--store", str(store), *common], capsys)
    for name, text in outputs.items():
        if MARK in text:
            leaks.append(f"{name}: {text[text.index(MARK) - 300 : text.index(MARK) + 100]}")
    assert MARK not in caplog.text
    assert leaks == []
    assert "exit 1" in outputs["validate folder"] and "exit 1" in outputs["rubric check"]
    figure(
        "privacy-of-messages",
        f"{len(paths)} invalid observation files, {len(rubric_paths)} invalid rubric files, 1 zip of them; "
        f"{len(outputs)} CLI runs: 0 markers in errors, logs and output",
        observations=len(paths), rubrics=len(rubric_paths), cli_runs=len(outputs), leaks=0,
    )  # fmt: skip
