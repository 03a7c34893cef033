"""Our TOML reader against the toml-test conformance corpus (moved here from tests/test_toml_conformance.py).

The corpus lives beside the repository, in ``../shared/toml-test/tests`` (it is not copied in);
the cases are those listed in ``files-toml-1.0.0``. The tests skip, saying why, when it is absent.

* every listed file exists (a missing one would silently pass as "file not found");
* every TOML 1.0 ``invalid/`` file ends in ``FileProblems`` naming it (never another exception);
* every TOML 1.0 ``valid/`` file reads exactly as ``tomllib`` reads it, or is refused with a
  clear ``FileProblems`` for one of our documented restrictions (NaN/infinity, a byte-order
  mark, the size cap);
* no file of the corpus at all (TOML 1.1 included) raises anything but ``FileProblems``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from harness import REPO, figure

from seeds_tui.core.errors import FileProblems, ObservationError
from seeds_tui.core.tomlio import load_toml

CORPUS = REPO.parent / "shared" / "toml-test" / "tests"
LISTING = CORPUS / "files-toml-1.0.0"

pytestmark = pytest.mark.skipif(
    not LISTING.is_file(), reason=f"toml-test corpus not found at {CORPUS} (expected ../shared/toml-test beside the repository)"
)

#: Why a valid TOML file may be refused, and the words the message must use.
RESTRICTIONS = ("NaN and infinity are not allowed", "byte-order mark", "larger than")


def listed(kind: str) -> list[Path]:
    """The TOML 1.0 files of one kind (``valid`` or ``invalid``), as listed."""
    names = [line.strip() for line in LISTING.read_text(encoding="utf-8").splitlines()]
    return [CORPUS / name for name in names if name.startswith(f"{kind}/") and name.endswith(".toml")]


def test_every_listed_case_is_present() -> None:
    """The listing and the files agree, so no case passes by being absent."""
    missing = [p for kind in ("valid", "invalid") for p in listed(kind) if not p.is_file()]
    assert missing == []
    assert len(listed("valid")) >= 200 and len(listed("invalid")) >= 400


def test_every_invalid_file_is_one_clean_error() -> None:
    """Each invalid file gives FileProblems naming it, with a message and usually a line."""
    files = listed("invalid")
    wrong: list[str] = []
    with_line = 0
    for path in files:
        try:
            load_toml(path, error=ObservationError)
        except ObservationError as exc:
            if exc.path != path or not str(exc).startswith(str(path)):
                wrong.append(f"{path}: error does not name the file")
            with_line += any(p.line is not None for p in exc.problems)
        except Exception as exc:  # the point of the test: nothing else may escape
            wrong.append(f"{path}: {type(exc).__name__}")
        else:
            wrong.append(f"{path}: accepted")
    assert wrong == []
    assert with_line / len(files) > 0.9, "most problems carry a line number"
    figure(
        "toml-test invalid",
        f"{len(files)} TOML 1.0 invalid cases: {len(files)} typed errors naming the file, "
        f"{with_line} with a line, 0 accepted, 0 other exceptions",
        cases=len(files),
        with_line=with_line,
    )


def test_every_valid_file_reads_as_tomllib_reads_it() -> None:
    """Same data as tomllib, or a refusal for a documented restriction only."""
    files = listed("valid")
    wrong: list[str] = []
    refused: list[str] = []
    for path in files:
        try:
            data, _ = load_toml(path, error=ObservationError)
        except FileProblems as exc:
            if not any(reason in str(exc) for reason in RESTRICTIONS):
                wrong.append(f"{path}: refused: {exc}")
            refused.append(path.name)
            continue
        if data != tomllib.loads(path.read_bytes().decode("utf-8")):
            wrong.append(f"{path}: differs from tomllib")
    assert wrong == []
    assert len(refused) < 10, refused
    assert "inf-and-nan.toml" in refused
    figure(
        "toml-test valid",
        f"{len(files)} TOML 1.0 valid cases: {len(files) - len(refused)} read as tomllib reads them, "
        f"{len(refused)} refused for a documented restriction ({', '.join(sorted(refused))})",
        cases=len(files),
        refused=len(refused),
    )


def test_whole_corpus_never_escapes_as_another_exception() -> None:
    """TOML 1.1 files too: parsed or refused, never a traceback."""
    escaped = []
    files = sorted(CORPUS.rglob("*.toml"))
    for path in files:
        try:
            load_toml(path, error=ObservationError)
        except FileProblems:
            pass
        except Exception as exc:
            escaped.append(f"{path}: {type(exc).__name__}")
    assert escaped == []
    figure("toml-test all", f"{len(files)} files of the whole corpus (1.0 and 1.1): 0 other exceptions", cases=len(files))


def test_size_cap_on_a_valid_file() -> None:
    """A valid file over the cap is refused with the documented message."""
    source = next(p for p in listed("valid") if p.stat().st_size > 200)
    with pytest.raises(FileProblems, match="larger than"):
        load_toml(source, max_bytes=100, error=ObservationError)
