"""``seeds-tui`` with no command opens the app without building every command's parser (a quicker first frame),
and reads its options exactly as the full parser does."""

from __future__ import annotations

import subprocess
import sys

import pytest

from seeds_tui.cli import _app_only, build_parser

OPENS_THE_APP = [
    [],
    ["--store", "s"],
    ["--store=s", "--rubrics", "a", "--rubrics", "b"],
    ["--sto", "s"],  # argparse's abbreviations, as the full parser takes them
    ["--store", "summary"],  # a folder named like a command is a folder
]
NOT_ONLY_THE_APP = [
    ["summary"],
    ["--store", "s", "summary"],
    ["--help"],
    ["-h"],
    ["--version"],
    ["--store"],
    ["--json"],
    ["--bogus"],
    ["--"],
    ["s"],
]


@pytest.mark.parametrize("words", OPENS_THE_APP)
def test_the_options_that_open_the_app_are_read_as_the_full_parser_reads_them(words: list[str]) -> None:
    args = _app_only(words)
    assert args is not None
    assert vars(args) == vars(build_parser().parse_args(words))


@pytest.mark.parametrize("words", NOT_ONLY_THE_APP)
def test_a_command_help_or_mistake_goes_to_the_full_parser(words: list[str]) -> None:
    assert _app_only(words) is None


def test_opening_the_app_imports_no_command_module(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Without a terminal the app refuses (as before), having loaded none of the commands' modules."""
    code = (
        "import sys\n"
        "from seeds_tui.cli import main\n"
        f"code = main(['--store', {str(tmp_path / 's')!r}])\n"
        "print(code, sorted(m for m in sys.modules if m.startswith('seeds_tui.cli.') and m != 'seeds_tui.cli.common'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert "needs a terminal" in done.stderr
    assert done.stdout.split(None, 1) == ["2", "['seeds_tui.cli.serve']\n"]
