"""Hostile observation files: every one ends in one ObservationError naming the file.

The files are built in ``tmp_path`` from a valid observation whose practitioner is the
planted ``SECRET`` marker; wrong-typed values carry the marker too. No message (nor any
log record) may contain it, and no other exception may escape.
"""

from __future__ import annotations

import logging
import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers_core import SECRET, observation_text

from seeds_tui.core.errors import ObservationError
from seeds_tui.core.observation import OBSERVATION_MAX_BYTES, OBSERVATION_SCHEMA, load_observation

BASE = observation_text()


def _replace(old: str, new: str) -> Callable[[], bytes]:
    def build() -> bytes:
        assert old in BASE, old
        return BASE.replace(old, new, 1).encode("utf-8")

    return build


def _append(extra: str) -> Callable[[], bytes]:
    return lambda: (BASE + extra).encode("utf-8")


def _junk(seed: int, size: int, *, nul: bool) -> Callable[[], bytes]:
    def build() -> bytes:
        rng = random.Random(seed)
        alphabet = list(range(256)) if nul else list(range(1, 256))
        return bytes(rng.choice(alphabet) for _ in range(size))

    return build


#: name -> (builder, expected fragment of the message, expected line or None for "any")
CASES: dict[str, tuple[Callable[[], bytes], str, int | None]] = {
    "over the size cap": (lambda: BASE.encode() + b"#" * OBSERVATION_MAX_BYTES, "larger than", None),
    "bad UTF-8": (lambda: BASE.replace('team = "North"', 'team = "N\udcffrth"').encode("utf-8", "surrogateescape"), "invalid UTF-8", 18),
    "UTF-8 byte-order mark": (lambda: b"\xef\xbb\xbf" + BASE.encode(), "byte-order mark", 1),
    "UTF-16": (lambda: BASE.encode("utf-16"), "UTF-16", 1),
    "huge integer": (_replace("revision = 0", "revision = 1" + "0" * 5000), "too large", None),
    "large integer": (_replace("revision = 0", "revision = 1" + "0" * 40), "revision: Input should be less than", 4),
    "huge hex integer": (_replace("revision = 0", "revision = 0x" + "f" * 6000), "revision: Input should be less than", 4),
    "deep array nesting": (_replace("events = []", "events = " + "[" * 4000 + "]" * 4000), "nesting is too deep", None),
    "deep inline tables": (_replace("events = []", "events = " + "{a=" * 4000 + "1" + "}" * 4000), "nesting is too deep", None),
    "deep dotted table": (_append("\n[" + ".".join(["a"] * 20000) + "]\n"), "nesting is too deep", None),
    "dotted table filling the size cap": (_append("\n[[" + ".".join(["a"] * 900_000) + "]]\n"), "nesting is too deep", None),
    "deep dotted key in an inline table": (
        _replace("events = []", "events = [{" + ".".join(['"a"'] * 5000) + " = 1}]"),
        "nesting is too deep",
        None,
    ),
    "dotted key at the limit is only an unknown key": (_append("\n[" + ".".join(["a"] * 32) + "]\n"), "a: unknown key", None),
    "NaN": (_replace("elapsed = 600", "elapsed = nan"), "NaN and infinity", None),
    "infinity": (_replace("partnership = 4", "partnership = -inf"), "NaN and infinity", None),
    "binary junk with NULs": (_junk(1, 4000, nul=True), "binary data", None),
    "binary junk without NULs": (_junk(2, 4000, nul=False), "UTF-8", 1),
    "NUL after a valid start": (lambda: BASE.encode() + b"\x00" + SECRET.encode(), "binary data", BASE.count("\n") + 1),
    "control character": (_replace('team = "North"', 'team = "No\x01rth"'), "not valid TOML", 18),
    "escaped control character in a name": (_replace('team = "North"', 'team = "No\\u0001rth"'), "session.team", 18),
    "wrong type: revision": (_replace("revision = 0", f'revision = "{SECRET}"'), "revision: Input should be a valid integer", 4),
    "wrong type: team": (_replace('team = "North"', f'team = ["{SECRET}"]'), "session.team: Input should be a valid string", 18),
    "wrong type: score value": (_replace("value = 3", f'value = "{SECRET}"'), "scores.relationship.empathy.value", 29),
    "wrong type: float for an int": (_replace("partnership = 4", "partnership = 4.0"), "globals.partnership", 41),
    "wrong type: date": (_replace("date = 2026-11-23", f'date = "{SECRET}"'), "session.date", 15),
    "wrong type: naive timestamp": (_replace("created = 2026-11-23 10:30:00+01:00", "created = 2026-11-23 10:30:00"), "timezone", 5),
    "wrong type: table for a string": (
        _replace('observer = "Sam Observer"', f'observer = {{ name = "{SECRET}" }}'),
        "session.observer",
        16,
    ),
    "wrong literal: mode": (_replace('mode = "in_person"', f'mode = "{SECRET}"'), "session.mode", 20),
    "wrong literal: code": (_replace("value = 3", f'code = "{SECRET}"'), "scores.relationship.empathy.code", 29),
    "case reference that is a name": (
        _replace("consent_recorded = true", f'consent_recorded = true\ncase_reference = "{SECRET} Smith"'),
        "session.case_reference",
        23,
    ),
    "evidence far too long": (_replace('evidence = "Agreed three topics"', f'evidence = "{SECRET} {"x" * 30000}"'), "at most 20000", 35),
    "value and code": (_replace("value = 3", 'value = 3\ncode = "NA"'), "either a value or a code", 28),
    "unknown top-level key": (_replace("events = []", 'events = []\nnickname = "x"'), "nickname: unknown key", 8),
    "unknown session key": (
        _replace('team = "North"', f'team = "North"\nhome_address = "{SECRET}"'),
        "session.home_address: unknown key",
        19,
    ),
    "score under a quoted name": (_append(f'\n[scores."{SECRET} Smith".x]\nvalue = 1\n'), "scores.<key>", None),
    "duplicate key": (_replace('team = "North"', f'team = "North"\nteam = "{SECRET}"'), "not valid TOML", 19),
    "missing required key": (_replace('team = "North"\n', ""), "session.team: required key is missing", 14),
    "table under a name declared twice": (
        _append(f'\n[scores."{SECRET} Smith".a]\nvalue = 1\n[scores."{SECRET} Smith".a]\nvalue = 2\n'),
        "a table is declared twice",
        BASE.count("\n") + 4,
    ),
    "huge key declared twice": (_append("\n[" + "k" * 500_000 + "]\n[" + "k" * 500_000 + "]\n"), "a table is declared twice", None),
    "duplicate key in an inline table": (
        _replace("events = []", f"events = [{{ {SECRET} = 1, {SECRET} = 2 }}]"),
        "duplicate key in an inline table",
        7,
    ),
    "thousands of wrong events": (
        lambda: (BASE.replace("events = []\n", "", 1) + "\n[[events]]\nat = 2026-11-23T10:00:00Z\nelapsed = -1\n" * 5000).encode(),
        "... and 4950 more problems; fix the ones above first",
        None,
    ),
    "empty file": (lambda: b"", "not a seeds-tui observation", 1),
    "JSON instead of TOML": (lambda: b'{"schema": "seeds-observation/1"}', "not valid TOML", 1),
    "newer schema": (_replace(f'schema = "{OBSERVATION_SCHEMA}"', 'schema = "seeds-observation/9"'), "newer seeds-tui", None),
    "schema of the wrong type": (_replace(f'schema = "{OBSERVATION_SCHEMA}"', "schema = 1"), "not a seeds-tui observation", None),
    "a rubric instead": (lambda: b'schema = "seeds-rubric/1"\nid = "x"\n', "this is a rubric file, not an observation", None),
    "a time instead of a date": (_replace("date = 2026-11-23", "date = 07:32:00"), "session.date", 15),
    "too many events": (
        lambda: (BASE.replace("events = []\n", "", 1) + "\n[[events]]\nat = 2026-11-23T10:00:00Z\nelapsed = 1\n" * 10_001).encode(),
        "events",
        None,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_file_gives_one_clean_error(name: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """ObservationError naming the file (and the line where known), never the secret."""
    build, fragment, line = CASES[name]
    path = tmp_path / "hostile.toml"
    path.write_bytes(build())
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ObservationError) as caught:
        load_observation(path)
    error = caught.value
    message = str(error)
    assert error.path == path
    assert error.problems, "at least one problem is listed"
    for problem in error.problems:
        assert problem.path == path
        assert str(problem).startswith(str(path))
    assert fragment in message
    if line is not None:
        assert error.problems[0].line == line, message
        assert message.startswith(f"{path}:{line}: ")
    assert SECRET not in message
    assert SECRET not in repr(error.problems)
    assert SECRET not in caplog.text
    assert len(error.problems) <= 51, "at most 50 problems and a count of the rest"
    assert len(message) < 51 * (len(str(path)) + 200), "messages stay short even for huge files"


def test_unknown_key_names_are_shown_to_help_fix_typos(tmp_path: Path) -> None:
    """A misspelt key is named (it is structure, not a value)."""
    path = tmp_path / "typo.toml"
    path.write_text(BASE.replace("team =", "taem =", 1), encoding="utf-8")
    with pytest.raises(ObservationError) as caught:
        load_observation(path)
    text = str(caught.value)
    assert f"{path}:18: session.taem: unknown key" in text
    assert f"{path}:14: session.team: required key is missing" in text


def test_unreadable_paths(tmp_path: Path) -> None:
    """A folder, a missing file and a dangling link are each one clean error."""
    link = tmp_path / "dangling.toml"
    link.symlink_to(tmp_path / "gone.toml")
    for path, fragment in ((tmp_path, "folder"), (tmp_path / "missing.toml", "not found"), (link, "not found")):
        with pytest.raises(ObservationError, match=fragment) as caught:
            load_observation(path)
        assert caught.value.path == path


def test_store_does_not_list_a_fifo(tmp_path: Path) -> None:
    """A named pipe posing as an observation is never listed, so never read (which would block)."""
    # Opening a FIFO for reading blocks until a writer appears; the store never lists FIFOs
    # (Store.files() keeps regular files only), which is what protects the app.
    from seeds_tui.storage.store import Store

    store = Store(tmp_path / "store")
    store.ensure()
    os.mkfifo(store.final_dir / "01J0000000000000000000000A.toml")
    assert store.files() == []


def test_pipes_and_devices_are_refused_without_waiting(tmp_path: Path) -> None:
    """A named pipe or a device given as a file is refused at once, not read (or waited on)."""
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(ObservationError, match="not a regular file") as caught:
            load_observation(path)
        assert caught.value.path == path
