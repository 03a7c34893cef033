"""A named pipe given to a command where it expects a file never hangs it.

A pipe (``mkfifo``) opened for reading blocks until a writer comes, for ever in a cron job. Every
path a user or a script names on the command line (an observation, a zip to import, a pseudonym
key, a rubric, a folder holding a pipe) goes through the one non-blocking reader, so each command
ends at once with a message naming the path and exit status 1, never a hang and never a traceback.
Real ``seeds-tui`` processes, real pipes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from harness import cli

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")

#: What a hang would cost before the test gives up (each command answers in about a second).
PATIENCE = 30


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pipes") / "store"
    done = cli("demo", "--store", str(root), "--observations", "12", "--seed", "4")
    assert done.returncode == 0, done.stderr
    return root


def _pipe(folder: Path, name: str) -> Path:
    path = folder / name
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("x.zip", lambda p, s: ["import", str(p), "--store", str(s)]),
        ("x.zip", lambda p, s: ["import", str(p), "--store", str(s), "--json"]),
        ("key", lambda p, s: ["export", "--store", str(s), "--pseudonymise", "--key-file", str(p), "-o", str(p.parent / "out.csv")]),
        ("obs.toml", lambda p, s: ["validate", str(p)]),
        ("obs.toml", lambda p, s: ["report", str(p)]),
        ("obs.toml", lambda p, s: ["compare", str(p), str(p)]),
        ("rubric.toml", lambda p, s: ["rubric", "check", str(p)]),
        ("obs.toml", lambda p, s: ["import", str(p.parent), "--store", str(s), "--dry-run"]),
    ],
    ids=["import-zip", "import-zip-json", "export-key-file", "validate", "report", "compare", "rubric-check", "import-folder"],
)
def test_a_pipe_named_on_the_command_line_ends_the_command_with_a_message(tmp_path: Path, store: Path, name: str, args) -> None:
    pipe = _pipe(tmp_path, name)
    done = cli(*args(pipe, store), timeout=PATIENCE)
    assert "Traceback" not in done.stderr + done.stdout
    if args(pipe, store)[0] == "import" and pipe.suffix == ".toml":
        # A pipe inside a folder is listed and left alone; the rest of the folder imports.
        assert done.returncode in (0, 1), done.stderr
    else:
        assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert name in done.stdout + done.stderr, "the message names the path"
    assert pipe.is_fifo(), "the pipe is left as it was"
