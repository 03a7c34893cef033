"""Fixtures for the reliability suite: the small rubric on disk, a registry over it, a store.

Cases marked ``slow`` are left out of the default run (``-m "not slow"`` in pyproject's addopts)
and run by ``.ci/run`` with ``python3 -m pytest -m slow``. ``harness.py`` holds the big cases as
plain functions so that ``benchmarks/bench_reliability.py`` can run them with larger counts.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "tui"))

from helpers_core import write_rubric

from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store


@pytest.fixture
def rubric_dir(tmp_path: Path) -> Path:
    """A folder holding the small test rubric."""
    folder = tmp_path / "rubrics"
    write_rubric(folder)
    return folder


@pytest.fixture
def small_registry(rubric_dir: Path) -> RubricRegistry:
    """A registry over the small rubric only."""
    return RubricRegistry([rubric_dir])


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """An empty store under tmp_path."""
    return Store(tmp_path / "store")


@pytest.fixture
def bundled_registry() -> RubricRegistry:
    """The bundled rubrics (for the app)."""
    from seeds_tui.core.rubric import bundled_rubric_dir

    return RubricRegistry([bundled_rubric_dir()])


@pytest.fixture
def make_app(store: Store, bundled_registry: RubricRegistry):  # type: ignore[no-untyped-def]
    """Build the real app on the test store with a frozen date and clock and a fast autosave (as tests/tui does)."""
    from tui_helpers import FROZEN, TODAY, FakeClock

    from seeds_tui.tui.app import create_app

    def make(**overrides: object):  # type: ignore[no-untyped-def]
        options: dict[str, object] = {"today": TODAY, "clock_source": FakeClock(), "now_fn": lambda: FROZEN, "autosave_delay": 0.05}
        options.update(overrides)
        return create_app(store, bundled_registry, **options)  # type: ignore[arg-type]

    return make


@pytest.fixture(params=["in-process", pytest.param("subprocess", marks=pytest.mark.slow)])
def run(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> Callable[[list[str]], tuple[int, str, str]]:
    """The command line: in-process through ``seeds_tui.cli.main`` (default run), or the real
    ``python -m seeds_tui`` in a subprocess (slow run). Both see the same code and exit codes."""
    from harness import cli

    from seeds_tui.cli import main

    def in_process(args: list[str]) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(args)
        out = capsys.readouterr()
        return code, out.out, out.err

    def real(args: list[str]) -> tuple[int, str, str]:
        done = cli(*args)
        return done.returncode, done.stdout, done.stderr

    return in_process if request.param == "in-process" else real
