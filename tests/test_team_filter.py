"""``--team`` means the same in every command that takes it: the same words for a name that
matches no team (with the known teams listed), the same exit codes."""

from __future__ import annotations

import re
from datetime import date

import pytest

from seeds_tui.cli import main
from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage.store import Store

COMMANDS = {
    "summary": ["summary"],
    "export items": ["export", "--quiet"],
    "export observations": ["export", "--table", "observations", "--quiet"],
    "summary csv": ["summary", "--format", "csv"],
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("teams") / "store")
    generate_demo(store, 40, seed=3, today=date(2026, 11, 23))
    return store


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def team_lines(err: str) -> list[str]:
    """The messages about team names, without the command's own prefix."""
    return [re.sub(r"^seeds-tui [a-z]+: ", "", line) for line in err.splitlines() if re.search(r"no teams? called", line)]


@pytest.mark.parametrize("asked", [["Nowhere"], ["Nowhere", "Elsewhere"]])
def test_no_team_matching_is_the_same_error_in_every_command(store: Store, asked: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    seen = {}
    for name, argv in COMMANDS.items():
        code, out, err = run(capsys, [*argv, "--store", str(store.root), "--team", *asked])
        assert code == 1, name
        assert out == "", name  # nothing written for a filter that matched nothing
        seen[name] = team_lines(err)
    messages = set(map(tuple, seen.values()))
    assert len(messages) == 1, seen
    [line] = messages.pop()
    teams = sorted({obs.session.team for _, obs in store.iter_observations() if not isinstance(obs, Exception)}, key=str.casefold)
    assert line.endswith(f"known teams: {', '.join(teams)}")
    assert all(repr(t) in line for t in asked)


def test_one_unknown_team_among_known_ones_is_warned_in_every_command(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    team = next(obs.session.team for _, obs in store.iter_observations() if not isinstance(obs, Exception))
    seen = {}
    for name, argv in COMMANDS.items():
        code, out, err = run(capsys, [*argv, "--store", str(store.root), "--team", "Nowhere", team.upper()])
        assert code == 0, (name, err)
        assert out, name  # the known team's rows are there
        seen[name] = team_lines(err)
    assert len(set(map(tuple, seen.values()))) == 1 and len(next(iter(seen.values()))) == 1, seen
