"""Rubric models and their semantic checks, against small hand-written rubrics.

The corpus in tests/data/bad_rubrics/ holds one mistake per file; each file says what it
must give in ``# expect: LINE: message`` comments (``-`` where no line can be found).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers_core import SMALL_RUBRIC, small_rubric, write_rubric

from seeds_tui.cli import main
from seeds_tui.core.errors import Problem, RubricError, RubricNotFound
from seeds_tui.core.rubric import CODES, RESERVED_SCORING_KEYS, RubricRegistry, load_rubric, load_rubric_file, parse_rubric, rubric_dirs

BAD = Path(__file__).resolve().parent / "data" / "bad_rubrics"
BAD_FILES = sorted(BAD.glob("*.toml"))
_EXPECT = re.compile(r"^# expect: (\d+|-): (.+)$")


def expectations(path: Path) -> list[tuple[int | None, str]]:
    """The ``# expect`` lines of a corpus file as (line, message) pairs."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _EXPECT.match(line)
        if match:
            found.append((None if match.group(1) == "-" else int(match.group(1)), match.group(2)))
    return found


# -- the corpus of bad rubrics ------------------------------------------------------------


def test_corpus_is_there() -> None:
    """The corpus covers every semantic check the issue names (and more)."""
    names = {p.stem for p in BAD_FILES}
    for needed in (
        "duplicate_section_id",
        "duplicate_item_id",
        "unknown_scale",
        "scale_no_levels",
        "scale_unordered",
        "empty_section",
        "version_not_semantic",
    ):
        assert needed in names
    assert all(expectations(p) for p in BAD_FILES), "every corpus file states what it must give"


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_bad_rubric_gives_the_right_problems(path: Path) -> None:
    """Exactly the expected problems, with their messages and lines, as ``FILE:LINE: message``."""
    with pytest.raises(RubricError) as caught:
        load_rubric(path)
    error = caught.value
    assert error.path == path
    got = [(p.line, str(p)) for p in error.problems]
    wanted = []
    for line, message in expectations(path):
        wanted.append((line, f"{path}:{line}: {message}" if line is not None else f"{path}: {message}"))
    assert sorted(got, key=str) == sorted(wanted, key=str)
    assert str(error) == "\n".join(text for _, text in got)


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_rubric_check_command_prints_each_problem(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``seeds-tui rubric check FILE`` prints each problem line and exits 1."""
    code = main(["rubric", "check", str(path)])
    out, err = capsys.readouterr()
    assert code == 1
    for line, message in expectations(path):
        expected = f"{path}:{line}: {message}" if line is not None else f"{path}: {message}"
        assert expected in out.splitlines()
    assert "Traceback" not in out + err


def test_rubric_check_good_and_bad_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A good file is reported ok; one bad file among several still makes the exit code 1."""
    good = write_rubric(tmp_path)
    assert main(["rubric", "check", str(good)]) == 0
    assert f"{good}: ok (small 1.2.0: 2 sections, 3 items" in capsys.readouterr().out
    assert main(["rubric", "check", str(good), str(BAD / "unknown_scale.toml")]) == 1
    out = capsys.readouterr().out
    assert f"{good}: ok" in out
    assert "unknown scale 'qualty'" in out


def test_rubric_check_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing file is a problem (exit 1) with the path named, not a traceback."""
    missing = tmp_path / "nope.toml"
    assert main(["rubric", "check", str(missing)]) == 1
    out = capsys.readouterr().out
    assert f"{missing}: file not found" in out


# -- problems' text -----------------------------------------------------------------------


def test_problem_text_forms() -> None:
    """``FILE:LINE: field: message`` with a line, ``FILE: field: message`` without."""
    path = Path("r.toml")
    assert str(Problem(path, "bad", line=3, field="version")) == "r.toml:3: version: bad"
    assert str(Problem(path, "bad", field="sections.0.items")) == "r.toml: sections.0.items: bad"
    assert str(Problem(path, "bad")) == "r.toml: bad"
    assert str(Problem(None, "bad", line=2)) == "<input>:2: bad"


def test_semantic_checks_report_every_problem_at_once(tmp_path: Path) -> None:
    """Several reference mistakes in one file are all listed, each at its own line."""
    text = SMALL_RUBRIC.replace('scale = "global5"', 'scale = "five"', 1).replace('id = "empathy"\n', 'id = "agenda"\n', 1)
    text = text.replace('key = "r"', 'key = "q"')
    path = write_rubric(tmp_path, text)
    with pytest.raises(RubricError) as caught:
        load_rubric(path)
    by_field = {p.field: p for p in caught.value.problems}
    assert set(by_field) == {"globals.0.scale", "counters.1.key"}
    lines = text.splitlines()
    assert lines[by_field["globals.0.scale"].line - 1] == 'scale = "five"'
    assert lines[by_field["counters.1.key"].line - 1] == 'key = "q"'


def test_field_errors_come_before_reference_checks(tmp_path: Path) -> None:
    """When a field is malformed, reference checks wait: the user fixes the shape first."""
    text = SMALL_RUBRIC.replace('version = "1.2.0"', 'version = "one"').replace('scale = "global5"', 'scale = "five"', 1)
    with pytest.raises(RubricError) as caught:
        load_rubric(write_rubric(tmp_path, text))
    assert [p.field for p in caught.value.problems] == ["version"]


def test_parse_rubric_without_a_file() -> None:
    """Data not from a file still gives field paths, with ``<input>`` for the file."""
    with pytest.raises(RubricError) as caught:
        parse_rubric({"schema": "seeds-rubric/1", "id": "x", "version": "1.0.0", "title": "X", "scales": {}, "sections": []})
    assert str(caught.value) == "<input>: sections: a rubric needs at least one section"


def test_hostile_rubric_files(tmp_path: Path) -> None:
    """Rubric files get the same safe reading as observations: one RubricError each."""
    cases = {
        "binary.toml": b"\x00\x01\x02 schema",
        "bom.toml": b"\xef\xbb\xbf" + SMALL_RUBRIC.encode(),
        "huge.toml": SMALL_RUBRIC.encode() + b"#" * (1024 * 1024),
        "nan.toml": SMALL_RUBRIC.replace("value = 0", "value = nan", 1).encode(),
        "float.toml": SMALL_RUBRIC.replace("value = 0", "value = 0.5", 1).encode(),
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(RubricError) as caught:
            load_rubric(path)
        assert str(caught.value).startswith(str(path)), name


# -- a good rubric ------------------------------------------------------------------------


def test_small_rubric_loads_with_all_parts(tmp_path: Path) -> None:
    """Scales, sections, items, globals, counters and indicators are all there, in order."""
    rubric = small_rubric(tmp_path)
    quality = rubric.scales["quality"]
    assert (quality.min_value, quality.max_value, quality.values) == (0, 3, [0, 1, 2, 3])
    assert quality.level(2).label == "Competent"
    assert quality.level(9) is None
    assert rubric.item_keys == ["structure.agenda", "structure.review", "relationship.empathy"]
    assert rubric.groups == ["structuring", "relationship"]
    review = rubric.item("structure", "review")
    assert review.required is False
    assert review.guidance == "Only when there was a last session."
    assert rubric.item("structure", "agenda").required is True
    assert [g.id for g in rubric.globals] == ["partnership", "empathy_global"]
    assert [(c.id, c.key) for c in rubric.counters] == [("question", "q"), ("reflection", "r")]
    assert set(CODES) == {"NA", "NO"}
    assert not {c.key for c in rubric.counters} & set(RESERVED_SCORING_KEYS)
    with pytest.raises(KeyError):
        rubric.section("nope")
    with pytest.raises(KeyError):
        rubric.item("structure", "nope")


def test_item_descriptor_overrides_the_scale(tmp_path: Path) -> None:
    """An item's own descriptor wins over the scale's; other levels fall back to the scale."""
    text = SMALL_RUBRIC.replace(
        'text = "Sets an agenda together"\nscale = "quality"\n',
        'text = "Sets an agenda together"\nscale = "quality"\n\n[sections.items.descriptors]\n0 = "No agenda at all."\n',
    )
    rubric = load_rubric(write_rubric(tmp_path, text))
    agenda = rubric.item("structure", "agenda")
    assert rubric.descriptor(agenda, 0) == "No agenda at all."
    assert rubric.descriptor(rubric.item("relationship", "empathy"), 0) == "Not done."
    assert rubric.descriptor(agenda, 1) == ""


def test_loaded_rubric_keeps_hash_of_the_file(tmp_path: Path) -> None:
    """The sha256 is of the file's bytes, so any edit changes it."""
    import hashlib

    path = write_rubric(tmp_path)
    loaded = load_rubric_file(path)
    assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert loaded.path == path


def test_semantic_versions_accepted(tmp_path: Path) -> None:
    """Pre-release and build suffixes are semantic versions too."""
    for version in ("0.1.0", "10.20.30", "1.0.0-rc.1", "1.0.0+build.5"):
        text = SMALL_RUBRIC.replace('version = "1.2.0"', f'version = "{version}"')
        assert load_rubric(write_rubric(tmp_path, text)).version == version


# -- registry -----------------------------------------------------------------------------


def test_registry_versions_and_broken_files(tmp_path: Path) -> None:
    """The newest version wins by semantic order (1.10 > 1.9, release > rc); broken files are kept as errors."""
    folder = tmp_path / "rubrics"
    for version in ("1.9.0", "1.10.0", "2.0.0-rc.1", "1.2.0"):
        write_rubric(folder, SMALL_RUBRIC.replace('version = "1.2.0"', f'version = "{version}"'), name=f"small-{version}.toml")
    (folder / "broken.toml").write_text("schema = 1\n", encoding="utf-8")
    registry = RubricRegistry([folder, tmp_path / "missing-folder"])
    assert [r.rubric.version for r in registry.versions("small")] == ["1.2.0", "1.9.0", "1.10.0", "2.0.0-rc.1"]
    assert registry.get("small").rubric.version == "2.0.0-rc.1"
    assert registry.get("small", "1.9.0").path.name == "small-1.9.0.toml"
    assert [e.path.name for e in registry.errors] == ["broken.toml"]
    with pytest.raises(RubricNotFound, match="--rubrics DIR"):
        registry.get("small", "3.0.0")
    with pytest.raises(RubricNotFound):
        registry.get("other")


def test_release_sorts_after_its_release_candidate(tmp_path: Path) -> None:
    """2.0.0 is newer than 2.0.0-rc.1."""
    folder = tmp_path / "r"
    for version in ("2.0.0", "2.0.0-rc.1"):
        write_rubric(folder, SMALL_RUBRIC.replace('version = "1.2.0"', f'version = "{version}"'), name=f"{version}.toml")
    assert RubricRegistry([folder]).get("small").rubric.version == "2.0.0"


def test_rubric_dirs_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SEEDS_RUBRICS adds folders after the bundled one; duplicates are dropped."""
    import os

    a, b = tmp_path / "a", tmp_path / "b"
    monkeypatch.setenv("SEEDS_RUBRICS", f"{a}{os.pathsep}{b}{os.pathsep}")
    dirs = rubric_dirs([b, tmp_path / "c"])
    assert dirs[1:] == [a, b, tmp_path / "c"]
