"""Safe TOML reading, deterministic writing, and finding the line behind a field (seeds_tui.core.tomlio)."""

from __future__ import annotations

from pathlib import Path

import pytest

from seeds_tui.core.errors import FileProblems, ObservationError, RubricError
from seeds_tui.core.tomlio import dump_toml, find_line, line_index, load_toml, parse_toml

# -- line lookup --------------------------------------------------------------------------

NESTED = '''\
schema = "x"
title = """
not = "a key"
[not.a.header]
"""
after = 1

[scales.quality]
title = "Q"

[[scales.quality.levels]]
value = 0

[[scales.quality.levels]]
value = 1
label = "One"

[[sections]]
id = "first"

[[sections.items]]
id = "a"

[[sections.items]]
id = "b"
scale = "quality"

[[sections]]
id = "second"
literal = \'\'\'
id = "ghost"
\'\'\'

[[sections.items]]
id = "c"
site.name = "dotted"
"quoted key" = 1
"sp.am" = 2
'dotted'.  "mixed" = 3

[session]   # a comment after a header
team = "North"
'''


@pytest.fixture(scope="module")
def index() -> dict[tuple[str | int, ...], int]:
    """The line index of the nested sample."""
    return line_index(NESTED)


def test_top_level_keys_and_multiline_strings_skipped(index: dict) -> None:
    """Keys and headers inside a multi-line string are not taken for real ones."""
    assert index[("schema",)] == 1
    assert index[("title",)] == 2
    assert index[("after",)] == 6
    assert ("not",) not in index
    assert ("not", "a", "header") not in index


def test_array_of_tables_get_integer_indexes(index: dict) -> None:
    """``[[sections]]`` and ``[[sections.items]]`` count like pydantic's error locations."""
    assert index[("scales", "quality")] == 8
    assert index[("scales", "quality", "levels", 0, "value")] == 12
    assert index[("scales", "quality", "levels", 1, "label")] == 16
    assert index[("sections", 0, "id")] == 19
    assert index[("sections", 0, "items", 0, "id")] == 22
    assert index[("sections", 0, "items", 1, "scale")] == 26
    assert index[("sections", 1, "id")] == 29
    # the item of the second section restarts at index 0 of that section's items
    assert index[("sections", 1, "items", 0, "id")] == 35
    assert ("sections", 1, "items", 2) not in index


def test_literal_multiline_string_skipped(index: dict) -> None:
    """A ``id = ...`` line inside a ''' string does not shadow the real key."""
    assert index[("sections", 1, "literal")] == 30
    assert index[("sections", 1, "items", 0, "id")] == 35


def test_dotted_and_quoted_keys(index: dict) -> None:
    """Dotted keys split into parts; quoted keys keep their dots and spaces."""
    item = ("sections", 1, "items", 0)
    assert index[(*item, "site", "name")] == 36
    assert index[(*item, "quoted key")] == 37
    assert index[(*item, "sp.am")] == 38
    assert index[(*item, "dotted", "mixed")] == 39


def test_header_with_comment(index: dict) -> None:
    """A comment after a table header does not hide the header."""
    assert index[("session",)] == 41
    assert index[("session", "team")] == 42


def test_find_line_falls_back_to_enclosing_table(index: dict) -> None:
    """A missing key is reported at the nearest enclosing table or key that exists."""
    assert find_line(index, ["sections", 0, "items", 1, "guidance"]) == 24
    assert find_line(index, ("session", "observer")) == 41
    assert find_line(index, ("scales", "quality", "levels", 1, "descriptor")) == 14
    assert find_line(index, ("nowhere", "at", "all")) is None
    assert find_line(index, ()) is None


def test_array_of_tables_itself_has_a_line(index: dict) -> None:
    """The array (e.g. ``scales.quality.levels``) maps to its first entry's header."""
    assert find_line(index, ("scales", "quality", "levels")) == 11


def test_line_index_matches_tomllib_structure() -> None:
    """Every indexed path of a real rubric-like file exists in what tomllib parses."""
    import tomllib

    data = tomllib.loads(NESTED)
    for path in line_index(NESTED):
        node = data
        for part in path:
            node = node[part]


# -- reading ------------------------------------------------------------------------------


def test_load_toml_returns_data_and_text(tmp_path: Path) -> None:
    """A good file gives its data and its text (for line lookups)."""
    path = tmp_path / "ok.toml"
    path.write_text('a = 1\n[b]\nc = "d"\n', encoding="utf-8")
    data, text = load_toml(path, error=ObservationError)
    assert data == {"a": 1, "b": {"c": "d"}}
    assert text.startswith("a = 1")


def test_error_type_is_the_one_asked_for(tmp_path: Path) -> None:
    """The caller chooses the error class: rubric files give RubricError."""
    path = tmp_path / "bad.toml"
    path.write_text("a = \n", encoding="utf-8")
    with pytest.raises(RubricError) as caught:
        load_toml(path, error=RubricError)
    problem = caught.value.problems[0]
    assert problem.path == path
    assert problem.line == 1
    assert str(caught.value).startswith(f"{path}:1: not valid TOML")


def test_size_cap_is_configurable(tmp_path: Path) -> None:
    """A file one byte over the cap is refused; one at the cap is read."""
    path = tmp_path / "cap.toml"
    path.write_bytes(b"a = 1\n" + b"#" * 94)  # 100 bytes
    load_toml(path, max_bytes=100, error=ObservationError)
    with pytest.raises(ObservationError, match="larger than"):
        load_toml(path, max_bytes=99, error=ObservationError)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("x = nan", "NaN and infinity"),
        ("x = +inf", "NaN and infinity"),
        ("x = -inf", "NaN and infinity"),
        ("x = [1.0, nan]", "NaN and infinity"),
        ("x = 1" + "0" * 5000, "too large"),
        ("x = " + "[" * 5000 + "]" * 5000, "nesting is too deep"),
    ],
)
def test_parse_refusals(text: str, fragment: str) -> None:
    """Documented restrictions end in FileProblems, never in another exception."""
    with pytest.raises(FileProblems, match=fragment):
        parse_toml(text, Path("f.toml"), ObservationError)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    """A missing path or a folder gives a clear error naming it."""
    with pytest.raises(ObservationError, match="file not found"):
        load_toml(tmp_path / "nope.toml", error=ObservationError)
    with pytest.raises(ObservationError, match="is a folder"):
        load_toml(tmp_path, error=ObservationError)


# -- writing ------------------------------------------------------------------------------


def test_dump_is_deterministic_and_round_trips() -> None:
    """Same data, same text; multi-line strings come back unchanged."""
    data = {"a": 'quote " and \\ backslash', "b": "line one\nline two\n", "c": {"d": [1, 2], "e": "[b]markup[/]"}}
    text = dump_toml(data)
    assert text == dump_toml(dict(data))
    assert parse_toml(text, None, ObservationError) == data


def test_implicit_parent_tables_have_the_line_where_first_named() -> None:
    """``[scores.s.i]`` also places ``scores`` and ``scores.s``, so an unknown section id has a line."""
    text = 'id = "x"\n\n[scores.opening.agenda]\nvalue = 1\n\n[scores.opening.review]\nvalue = 2\n\n[scores.closing.summary]\nvalue = 3\n'
    index = line_index(text)
    assert index[("scores",)] == 3
    assert index[("scores", "opening")] == 3
    assert index[("scores", "closing")] == 9
    assert index[("scores", "opening", "review", "value")] == 7


def test_quoted_keys_with_escapes_and_whitespace() -> None:
    """Basic-string keys are unescaped; literal-string keys are taken as written."""
    text = "[a.\"b\\u0041c\"]\nx = 1\n[ a . 'd\\e' ]\ny = 2\n"
    index = line_index(text)
    assert index[("a", "bAc", "x")] == 2
    assert index[("a", "d\\e", "y")] == 4


def test_messages_do_not_quote_keys(tmp_path: Path) -> None:
    """tomllib's messages that quote a key (possibly a name, possibly huge) are replaced."""
    for text in ('["Pat Doe"]\n["Pat Doe"]\n', 'a = { "Pat Doe" = 1, "Pat Doe" = 2 }\n', "[[x]]\n[x]\n", "a = [1]\n[[a]]\n"):
        with pytest.raises(ObservationError) as caught:
            parse_toml(text, None, ObservationError)
        assert "Pat" not in str(caught.value)
        assert "not valid TOML" in str(caught.value)
