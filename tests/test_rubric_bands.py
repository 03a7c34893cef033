"""A rubric's own percent bands: validated in the file, used by ``band()``."""

from __future__ import annotations

from pathlib import Path

import pytest

from seeds_tui.core import scoring
from seeds_tui.core.errors import RubricError
from seeds_tui.core.rubric import bundled_rubric_dir, load_rubric

SEED = bundled_rubric_dir() / "seed-one-to-one.toml"


def _with(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "r.toml"
    text = SEED.read_text(encoding="utf-8")
    head, sep, tail = text.partition("\n[scales")
    path.write_text(head + "\n" + extra + "\n" + sep + tail, encoding="utf-8")
    return path


def test_rubric_without_bands_keeps_the_default_bands() -> None:
    rubric = load_rubric(SEED)
    assert rubric.bands is None
    assert scoring.band(67.0, bands=scoring.rubric_bands(rubric)) == "very high"
    assert scoring.band(45.0) == "low"


def test_rubric_bands_name_percents_and_empty_bands_name_none(tmp_path: Path) -> None:
    rubric = load_rubric(_with(tmp_path, 'bands = [{name = "starting", lower = 0}, {name = "secure", lower = 80}]'))
    bands = scoring.rubric_bands(rubric)
    assert scoring.band(67.0, bands=bands) == "starting"
    assert scoring.band(79.6, bands=bands) == "secure"
    assert scoring.band(79.6, whole=False, bands=bands) == "starting"
    none = load_rubric(_with(tmp_path, "bands = []"))
    assert scoring.band(90.0, bands=scoring.rubric_bands(none)) is None


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ('bands = [{name = "a", lower = 50}, {name = "b", lower = 40}]', "increasing"),
        ('bands = [{name = "a", lower = 10}, {name = "a", lower = 40}]', "unique"),
        ('bands = [{name = "a", lower = 120}]', "100"),
        ('bands = [{name = "", lower = 10}]', "1 character"),
    ],
)
def test_bad_bands_are_refused_with_a_clear_error(tmp_path: Path, extra: str, words: str) -> None:
    with pytest.raises(RubricError) as caught:
        load_rubric(_with(tmp_path, extra))
    assert "bands" in str(caught.value)
    assert words in str(caught.value)
