"""Fuzzing the loaders with hypothesis: only a typed ``SeedsError`` may ever come out.

Targets: the TOML reader (``tomlio``: decode + parse, and the fast ``rtoml`` path), the
observation loader, the rubric loader, the summary cache's per-file parser (which must never
raise at all) and the importer reading zips. Inputs are arbitrary bytes and structured
mutations of valid files (bytes deleted, inserted, replaced, lines duplicated or swapped).

Bounded time: the default run tries a few dozen inputs per target (a few seconds in all); the
slow run keeps drawing new inputs for ``SEEDS_FUZZ_SECONDS`` seconds per target (default 20).
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from harness import figure
from helpers_core import SMALL_RUBRIC, draft, observation_text, scored, write_rubric
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seeds_tui.core.errors import ObservationError, SeedsError
from seeds_tui.core.observation import load_observation
from seeds_tui.core.rubric import RubricRegistry, load_rubric
from seeds_tui.core.tomlio import decode_text, parse_toml, parse_toml_fast
from seeds_tui.storage.importer import import_files
from seeds_tui.team.cache import parse_file

OBS = observation_text(scored(draft())).encode()
RUBRIC = SMALL_RUBRIC.encode()
#: Bytes that matter to TOML and to our checks, so mutations hit interesting places often.
SPECIAL = [b"[", b"]", b"[[", b"]]", b"=", b'"', b"'", b'"""', b"\n", b"\\", b"#", b".", b",", b"{", b"}", b"nan", b"inf",
           b"\x00", b"\xff", b"\xef\xbb\xbf", b"9" * 30, b"-", b"+", b"1979-05-27T07:32:00Z", b"true", b"\r\n", b"\t"]  # fmt: skip

mutation = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 64)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.one_of(st.sampled_from(SPECIAL), st.binary(max_size=16))),
    st.tuples(st.just("replace"), st.integers(0, 10**6), st.sampled_from(SPECIAL)),
    st.tuples(st.just("dup-line"), st.integers(0, 10**6), st.integers(0, 0)),
    st.tuples(st.just("swap-lines"), st.integers(0, 10**6), st.integers(0, 10**6)),
)


def mutate(base: bytes, ops: list[tuple[str, int, object]]) -> bytes:
    """Apply structured mutations to ``base``."""
    data = bytearray(base)
    for kind, at, arg in ops:
        pos = at % (len(data) + 1)
        if kind == "delete":
            del data[pos : pos + int(arg)]  # type: ignore[call-overload]
        elif kind == "insert":
            data[pos:pos] = arg  # type: ignore[assignment]
        elif kind == "replace":
            data[pos : pos + len(arg)] = arg  # type: ignore[arg-type]
        else:
            lines = bytes(data).split(b"\n")
            i = at % len(lines)
            if kind == "dup-line":
                lines.insert(i, lines[i])
            else:
                j = int(arg) % len(lines)  # type: ignore[call-overload]
                lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


def inputs(base: bytes) -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, or mutations of a valid file."""
    return st.one_of(st.binary(max_size=2048), st.builds(mutate, st.just(base), st.lists(mutation, min_size=1, max_size=8)))


# -- the targets: each takes bytes and fails only if something untyped escapes -------------------


def target_toml(data: bytes, where: Path) -> None:
    """Decode and parse: FileProblems (here ObservationError) or data; the fast path: dict or None."""
    try:
        text = decode_text(data, where, ObservationError)
    except ObservationError:
        text = data.decode("utf-8", "replace")
    else:
        try:
            parse_toml(text, where, ObservationError)
        except ObservationError as exc:
            assert str(exc).startswith(str(where))
    result = parse_toml_fast(text)
    assert result is None or isinstance(result, dict)


def target_observation(data: bytes, where: Path) -> None:
    """load_observation: an Observation or SeedsError naming the file; the cache parser never raises."""
    where.write_bytes(data)
    try:
        load_observation(where)
    except SeedsError as exc:
        assert str(where) in str(exc)
    meta, _rows, error = parse_file(str(where))
    assert (meta is None) == (error is not None)


def target_rubric(data: bytes, where: Path) -> None:
    """load_rubric: a Rubric or SeedsError."""
    where.write_bytes(data)
    try:
        load_rubric(where)
    except SeedsError as exc:
        assert str(where) in str(exc)


def target_zip(data: bytes, where: Path) -> None:
    """Import a zip whose members are the fuzzed bytes (and a zip that is the bytes): rows, never an exception."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("obs.toml", data)
        archive.writestr(f"x/{data[:20].decode('utf-8', 'replace').replace('/', '_') or 'e'}.toml", data)
    raw = where.with_suffix(".zip")
    for content in (buf.getvalue(), data, buf.getvalue()[: max(1, len(buf.getvalue()) // 2)]):
        raw.write_bytes(content)
        result = import_files([raw], where.parent / "store", RubricRegistry([where.parent / "rubrics"]))
        assert all(row.message or row.outcome in ("imported", "skipped") for row in result.rows), "every refusal says why"
    for path in (where.parent / "store").rglob("*.toml"):
        load_observation(path)  # whatever got in is a whole, valid observation


TARGETS: dict[str, tuple[Callable[[bytes, Path], None], bytes]] = {
    "toml": (target_toml, OBS),
    "observation": (target_observation, OBS),
    "rubric": (target_rubric, RUBRIC),
    "zip import": (target_zip, OBS),
}


CALLS: dict[str, int] = {}


def _fuzz(name: str, tmp_path: Path, examples: int) -> Callable[[], None]:
    target, base = TARGETS[name]
    where = tmp_path / "fuzz.toml"
    write_rubric(tmp_path / "rubrics")

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(inputs(base))
    def run(data: bytes) -> None:
        CALLS[name] = CALLS.get(name, 0) + 1
        target(data, where)

    return run


@pytest.mark.parametrize("name", list(TARGETS))
def test_fuzz_quick(name: str, tmp_path: Path) -> None:
    """Default run: 40 inputs per target."""
    _fuzz(name, tmp_path, 40)()


@pytest.mark.slow
@pytest.mark.parametrize("name", list(TARGETS))
def test_fuzz_for_a_while(name: str, tmp_path: Path) -> None:
    """Slow run: new inputs for SEEDS_FUZZ_SECONDS seconds (default 20) per target."""
    budget = float(os.environ.get("SEEDS_FUZZ_SECONDS", "20"))
    run = _fuzz(name, tmp_path, 100)
    CALLS[name] = 0
    end = time.monotonic() + budget
    while time.monotonic() < end:
        run()
    figure(f"fuzz {name}", f"{CALLS[name]} inputs in {budget:.0f} s, 0 untyped exceptions", inputs=CALLS[name], seconds=budget)
