"""Hostile input through the real command line: observation files, rubric files and zips to import.

The corpus is table-driven. Observation cases are ``tests/test_hostile_files.py``'s table
(reused, not copied) plus path-like ids; rubric cases apply the same byte-level attacks to the
small rubric plus rubric-specific wrong types; zip cases are path traversal (``../``, absolute,
drive letters), symlink entries, lying sizes, encryption, nested zips, junk and hostile members.

Every case: exit 1, the file named in the output, no ``Traceback``, the planted marker never
echoed, and nothing written anywhere but inside the store (where only valid observations land,
under their id). Default run: in-process ``main()``; slow run: real subprocesses.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from harness import Runner, figure, tree
from helpers_core import SECRET, SMALL_RUBRIC, draft, observation_text, scored
from test_hostile_files import CASES as OBSERVATION_TABLE

from seeds_tui.core.rubric import RUBRIC_MAX_BYTES

GOOD = observation_text(scored(draft()))


def slug(name: str) -> str:
    """A file name for a case name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def attacks(base: str, cap: int, *, int_key: str, str_key: str) -> dict[str, bytes]:
    """Byte-level attacks that apply to any of our TOML files; the marker rides along where a value goes."""
    enc = base.encode("utf-8")
    assert int_key in base and str_key in base
    return {
        "empty": b"",
        "only whitespace": b"   \n\n\t\n",
        "binary with NULs": bytes(range(256)) * 8,
        "binary without NULs": bytes(range(1, 256)) * 8,
        "over the size cap": enc + b"#" * cap,
        "UTF-16": base.encode("utf-16"),
        "UTF-8 byte-order mark": b"\xef\xbb\xbf" + enc,
        "invalid UTF-8": enc.replace(b"\n", b"\n\xc3\x28", 1),
        "5,000-digit integer": base.replace(int_key, f"{int_key.split('=')[0]}= 1{'0' * 5000}", 1).encode(),
        "2,000-deep arrays": (base + "\ndeep = " + "[" * 2000 + "]" * 2000 + "\n").encode(),
        "2,000-deep inline tables": (base + "\ndeep = " + "{a=" * 2000 + "1" + "}" * 2000 + "\n").encode(),
        "2,000-deep dotted table": (base + "\n[" + ".".join(["a"] * 2000) + "]\n").encode(),
        "NaN": base.replace(int_key, f"{int_key.split('=')[0]}= nan", 1).encode(),
        "infinity": base.replace(int_key, f"{int_key.split('=')[0]}= -inf", 1).encode(),
        "duplicate key": base.replace(str_key, f'{str_key}\n{str_key.split("=")[0]}= "{SECRET}"', 1).encode(),
        "unknown key": (base.replace(str_key, f'{str_key}\nnickname_{SECRET.replace("-", "_")} = "{SECRET}"', 1)).encode(),
        "wrong type: array for a string": base.replace(str_key, f'{str_key.split("=")[0]}= ["{SECRET}"]', 1).encode(),
        "wrong type: string for a number": base.replace(int_key, f'{int_key.split("=")[0]}= "{SECRET}"', 1).encode(),
        "JSON instead of TOML": b'{"schema": "' + SECRET.encode() + b'"}',
        "truncated mid-file": enc[: len(enc) // 2] + b'"' + SECRET.encode(),
        "control character in a value": base.replace(str_key, f'{str_key.split("=")[0]}= "{SECRET}\x07"', 1).encode(),
    }


def observation_cases() -> dict[str, bytes]:
    """tests/test_hostile_files.py's table, plus path-like ids."""
    cases = {name: build() for name, (build, _, _) in OBSERVATION_TABLE.items()}
    for name, bad in {
        "id with ../": "../../../outside",
        "absolute id": "/etc/passwd",
        "id with a slash": f"01M83VVAE0/{SECRET}",
        "id with NUL escape": "01M83VVAE0\\u0000XXXXXXXXXXXXX",
        "id that is a name": SECRET,
    }.items():
        changed = re.sub(r'^id = "[^"]*"$', lambda _, bad=bad: f'id = "{bad}"', GOOD, count=1, flags=re.MULTILINE)
        assert changed != GOOD
        cases[f"path-like id: {name}"] = changed.encode()
    return cases


RUBRIC_EXTRA = {
    "level value as text": SMALL_RUBRIC.replace("value = 0\n", f'value = "{SECRET}"\n', 1),
    "item with no text": SMALL_RUBRIC.replace('text = "Sets an agenda together"', 'text = ""', 1),
    "scale that does not exist": SMALL_RUBRIC.replace('scale = "quality"', f'scale = "{SECRET}"', 1),
    "sections as a string": SMALL_RUBRIC.replace("[[sections]]", f'sections_x = "{SECRET}"\n[[sections]]', 1),
    "an observation instead": GOOD,
    "path-like id": SMALL_RUBRIC.replace('id = "small"', 'id = "../../etc/passwd"', 1),
}


def rubric_cases() -> dict[str, bytes]:
    """Byte-level attacks on the small rubric, plus rubric-specific mistakes."""
    cases = attacks(SMALL_RUBRIC, RUBRIC_MAX_BYTES, int_key="value = 0", str_key='title = "Small test rubric"')
    cases.update({name: text.encode() for name, text in RUBRIC_EXTRA.items()})
    return cases


def _zip(members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buf.getvalue()


def _symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    info.create_system = 3
    return info, target.encode()


def _lying_size() -> bytes:
    data = bytearray(_zip([("big.toml", b"#" * 4_000_000)]))
    # Patch the central directory's uncompressed size to claim a tiny member.
    at = data.rfind(b"PK\x01\x02")
    data[at + 24 : at + 28] = (10).to_bytes(4, "little")
    return bytes(data)


def zip_cases() -> dict[str, bytes]:
    """Zips with unsafe or hostile members; each must be refused (or its members), nothing written outside."""
    evil = f"{SECRET}".encode()
    cases = {
        "member ../x.toml": _zip([("../x.toml", GOOD.encode())]),
        "member deep ../../../../tmp/x.toml": _zip([("a/../../../../tmp/x.toml", GOOD.encode())]),
        "absolute member /tmp/x.toml": _zip([("/tmp/x.toml", GOOD.encode())]),
        "backslash traversal ..\\x.toml": _zip([("..\\x.toml", GOOD.encode())]),
        "drive letter C:/x.toml": _zip([("C:/x.toml", GOOD.encode())]),
        "symlink member to /etc/passwd": _zip([_symlink("link.toml", "/etc/passwd")]),
        "symlink member to ../outside": _zip([_symlink("link.toml", "../outside.toml")]),
        "member lying about its size": _lying_size(),
        "not a zip at all": b"PK\x03\x04" + evil + b"\x00" * 100,
        "empty file named .zip": b"",
        "zip inside a zip": _zip([("inner.zip", _zip([("x.toml", b"not toml " + evil)])), ("bad.toml", b"= " + evil)]),
        "member with terminal escapes in its name": _zip([("\x1b[2J\x1b]0;title\x07.toml", b"x = " + evil)]),
    }
    encrypted = bytearray(_zip([("enc.toml", GOOD.encode())]))
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        at = encrypted.find(sig)
        flag = 6 if sig == b"PK\x03\x04" else 8
        encrypted[at + flag] |= 1
    cases["encrypted member"] = bytes(encrypted)
    for name, data in list(observation_cases().items())[::4]:
        cases[f"member: {name}"] = _zip([(f"{slug(name)}.toml", data)])
    return cases


def _check_output(kind: str, name: str, code: int, out: str, err: str, where: str) -> None:
    text = out + err
    assert "Traceback" not in text, f"{kind} {name}: traceback\n{text[-2000:]}"
    assert code == 1, f"{kind} {name}: exit {code}\n{text[-1000:]}"
    assert where in text, f"{kind} {name}: the file is not named\n{text[-1000:]}"
    assert SECRET not in text, f"{kind} {name}: the planted marker was echoed\n{text[-1000:]}"


def _outside(tmp_path: Path, store: Path) -> dict[str, bytes | None]:
    return {k: v for k, v in tree(tmp_path).items() if not k.startswith(store.name)}


def _write_cases(folder: Path, cases: dict[str, bytes], suffix: str) -> dict[str, Path]:
    folder.mkdir()
    paths = {}
    for name, data in cases.items():
        path = folder / f"{slug(name)}{suffix}"
        path.write_bytes(data)
        paths[name] = path
    return paths


def _each(run: Runner, fast: bool, paths: dict[str, Path], commands: dict[str, Callable[[Path], list[str]]], kind: str) -> int:
    """Run every command on every case (in-process), or on a sample (subprocesses: each start costs ~1 s)."""
    runs = 0
    items = list(paths.items())
    for name, path in items if fast else items[::7]:
        for label, make in commands.items():
            code, out, err = run(make(path))
            _check_output(f"{kind} {label}", name, code, out, err, path.name)
            runs += 1
    return runs


def _is_fast(request: pytest.FixtureRequest) -> bool:
    return "in-process" in request.node.callspec.id


def test_hostile_observation_files(run: Runner, tmp_path: Path, rubric_dir: Path, request: pytest.FixtureRequest) -> None:
    """validate, import, report and compare on each hostile observation file."""
    store = tmp_path / "store"
    paths = _write_cases(tmp_path / "in", observation_cases(), ".toml")
    good = tmp_path / "good.toml"
    good.write_text(GOOD, encoding="utf-8")
    rubrics = ["--rubrics", str(rubric_dir)]
    before = _outside(tmp_path, store)
    runs = _each(run, _is_fast(request), paths, {
        "validate": lambda p: ["validate", str(p), *rubrics],
        "import": lambda p: ["import", str(p), "--store", str(store), *rubrics],
        "report": lambda p: ["report", str(p), *rubrics],
        "compare": lambda p: ["compare", str(p), str(good), *rubrics],
    }, "observation")  # fmt: skip
    # The whole folder at once: one line (at least) per file, each file named.
    code, out, err = run(["validate", str(tmp_path / "in"), *rubrics])
    _check_output("observation", "validate folder", code, out, err, "in")
    assert all(p.name in out for p in paths.values()), [p.name for p in paths.values() if p.name not in out]
    code, out, err = run(["import", str(tmp_path / "in"), "--store", str(store), *rubrics, "--json"])
    _check_output("observation", "import folder", code, out, err, "in")
    assert f'"invalid": {len(paths)}' in out
    assert _outside(tmp_path, store) == before, "nothing written outside the store"
    assert not list(store.rglob("*.toml")), "nothing hostile entered the store"
    figure(
        "hostile-observations",
        f"{len(paths)} cases, {runs + 2} CLI runs, 0 tracebacks, 0 marker echoes, 0 files written",
        cases=len(paths),
        runs=runs + 2,
    )


def test_hostile_rubric_files(run: Runner, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """rubric check on each; rubric list and validate with a folder of them: broken files named, skipped."""
    paths = _write_cases(tmp_path / "rubrics", rubric_cases(), ".toml")
    before = tree(tmp_path)
    runs = _each(run, _is_fast(request), paths, {"rubric check": lambda p: ["rubric", "check", str(p)]}, "rubric")
    code, out, err = run(["rubric", "check", *map(str, paths.values())])
    _check_output("rubric", "check all", code, out, err, "rubrics")
    assert all(p.name in out + err for p in paths.values())
    # A folder of broken rubrics given with --rubrics: each named as skipped, the bundled ones still listed.
    code, out, err = run(["rubric", "list", "--rubrics", str(tmp_path / "rubrics")])
    assert code == 0 and "Traceback" not in out + err and SECRET not in out + err
    assert "seed-one-to-one" in out
    skipped = [p.name for p in paths.values() if p.name not in err]
    assert len(skipped) <= len(RUBRIC_EXTRA), f"broken rubric files not reported: {skipped}"
    assert tree(tmp_path) == before
    figure("hostile-rubrics", f"{len(paths)} cases, {runs + 2} CLI runs, 0 tracebacks, 0 marker echoes", cases=len(paths), runs=runs + 2)


def test_hostile_zips(run: Runner, tmp_path: Path, rubric_dir: Path, request: pytest.FixtureRequest) -> None:
    """import and validate each zip: unsafe members refused, nothing written outside the store, never a traceback."""
    store = tmp_path / "work" / "store"
    (tmp_path / "work").mkdir()
    paths = _write_cases(tmp_path / "zips", zip_cases(), ".zip")
    rubrics = ["--rubrics", str(rubric_dir)]
    before = _outside(tmp_path, tmp_path / "work")
    runs = _each(run, _is_fast(request), paths, {
        "import": lambda p: ["import", str(p), "--store", str(store), *rubrics],
        "validate": lambda p: ["validate", str(p), *rubrics],
    }, "zip")  # fmt: skip
    assert _outside(tmp_path, tmp_path / "work") == before, "nothing written outside the store"
    assert not (tmp_path / "x.toml").exists() and not Path("/tmp/x.toml").exists()
    written = [p for p in store.rglob("*") if p.is_file() and not p.name.startswith(".")] if store.exists() else []
    assert written == [], f"only valid observations enter a store: {written}"
    figure(
        "hostile-zips", f"{len(paths)} cases, {runs} CLI runs, 0 tracebacks, 0 files written outside the store", cases=len(paths), runs=runs
    )
