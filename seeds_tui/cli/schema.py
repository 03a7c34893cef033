"""``seeds-tui schema KIND``: the JSON Schema of a file format, one per format version.

The schemas start from the models (pydantic) and add every rule of ``seeds-tui validate`` and
``seeds-tui rubric check`` that a JSON Schema can express: the ``schema`` tag, key patterns
(no other keys), a score's value or code (not both), a final's ``finalised`` time, semantic
versions, 1 to 10 levels, non-empty sections, counter keys clear of the scoring keys,
indicators of one kind, dates and times as TOML writes them. What only the tools can check
(the rubric a file names, cross-references, order) is listed in ``VALIDATE_ONLY`` and in the docs.

A TOML file is checked as JSON data: TOML dates become ``"YYYY-MM-DD"`` strings and date-times
RFC 3339 strings (``to_json_data``).
"""

from __future__ import annotations

import argparse
import copy
import json
from datetime import date, datetime, time
from typing import Any

from seeds_tui.cli.common import OK, print_json, reads

#: Every published schema: name -> (format, schema tag). ``rubric`` and ``observation`` accept
#: every tag the tools read; the tagged ones accept exactly one.
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "rubric": ("rubric", ("seeds-rubric/1",)),
    "rubric-1": ("rubric", ("seeds-rubric/1",)),
    "observation": (
        "observation",
        ("seeds-observation/5", "seeds-observation/4", "seeds-observation/3", "seeds-observation/2", "seeds-observation/1"),
    ),
    "observation-1": ("observation", ("seeds-observation/1",)),
    "observation-2": ("observation", ("seeds-observation/2",)),
    "observation-3": ("observation", ("seeds-observation/3",)),
    "observation-4": ("observation", ("seeds-observation/4",)),
    "observation-5": ("observation", ("seeds-observation/5",)),
    "supervision": ("supervision", ("seeds-supervision/1",)),
    "selfrating": ("selfrating", ("seeds-selfrating/1",)),
    "selfrating-1": ("selfrating", ("seeds-selfrating/1",)),
    "questionnaire": ("questionnaire", ("seeds-questionnaire/1",)),
    "response": ("response", ("seeds-response/1",)),
    "event": ("event", ("seeds-event/2", "seeds-event/1")),
}

#: The rules only ``validate`` / ``rubric check`` can check (they need the rubric, or compare values).
VALIDATE_ONLY = {
    "observation": (
        "the rubric named (id and version) is a known rubric",
        "every section and item scored, noted or linked exists in that rubric",
        "every value is a level of its item's scale; every global rating a level of its scale",
        "a final observation has every required item scored (a level or NA/NO)",
        "counters and globals are those of the rubric",
        "tally times are in clock order; a tally has no more press times than its count, none later than the session clock",
        "the file is UTF-8 TOML of at most 2 MiB, named by its id in a store",
        "two files do not hold one id; the revision leaves room for one more save",
    ),
    "supervision": (
        "no open action is reviewed twice in one note, and a note never reviews its own new actions",
        "the file is UTF-8 TOML of at most 256 KiB, named by its id in a store's supervision/ folder",
    ),
    "selfrating": (
        "the rubric named (id and version) is a known rubric",
        "every section and item rated exists in that rubric, and lies in the sections listed (when any are)",
        "every value is a level of its item's scale (or NA/NO)",
        "the file is UTF-8 TOML of at most 256 KiB, named by its id in a store's selfratings folder",
    ),
    "response": (
        "the questionnaire named (id and version) is a known questionnaire, and every answer is to one of its statements",
        "the file is UTF-8 TOML of at most 16 KiB, named by its id in a store",
    ),
    "event": (
        "a seeds-event/1 file holds a training day only; an action learning set (kind set) is seeds-event/2 and has a topic",
        "the file is UTF-8 TOML of at most 64 KiB, named by its id in a store's events/ folder",
    ),
    "rubric": (
        "ids are unique (sections, items within a section, globals, counters, indicators); counter keys are unique",
        "every scale an item or global names exists; descriptors are keyed by levels of the item's scale",
        "level values are unique and in increasing order",
        "a scale's competent value is one of its level values",
        "indicators name known counters or globals",
        "renamed targets are items of this version and its old ids are not; retired ids are not items",
        "against older versions: every item dropped is renamed or retired; no rename lands on an existing item, no two on one",
        "the file is UTF-8 TOML of at most 1 MiB",
    ),
}

_ID = r"^[a-z][a-z0-9_-]{0,63}$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
#: RFC 3339 with an offset in whole minutes (TOML cannot write seconds in an offset).
_STAMP = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``schema`` command."""
    parser = sub.add_parser(
        "schema",
        parents=parents,
        help="print the JSON Schema of a file format",
        description=(
            "Print the JSON Schema of the rubric, observation, self-rating, supervision note or training event format: 'rubric', "
            "'observation' and 'selfrating' accept every version the tools read; 'rubric-1', 'observation-1' to "
            "'observation-5' and 'selfrating-1' one version each; 'questionnaire' and 'response' the questionnaire "
            "people on probation answer and one response."
        ),
    )
    parser.add_argument("kind", choices=list(KINDS), help="which format (and version)")
    parser.set_defaults(func=run)
    reads(parser)


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of a format (see ``KINDS``), with its ``$id``, and every rule it can express."""
    fmt, tags = KINDS[kind]
    if fmt in ("questionnaire", "response"):
        return _voice_schema(fmt, tags[0])
    if fmt == "rubric":
        from seeds_tui.core.rubric import Rubric

        schema = Rubric.model_json_schema(by_alias=True, mode="validation")
        _rubric_rules(schema)
    elif fmt == "supervision":
        from seeds_tui.core.supervision import SupervisionNote

        schema = SupervisionNote.model_json_schema(by_alias=True, mode="validation")
        _stamps(schema)
    elif fmt == "event":
        from seeds_tui.core.events import TrainingEvent

        schema = TrainingEvent.model_json_schema(by_alias=True, mode="validation")
        _stamps(schema)
    elif fmt == "selfrating":
        from seeds_tui.core.selfrating import SelfRating

        schema = SelfRating.model_json_schema(by_alias=True, mode="validation")
        _stamps(schema)
        schema["properties"]["sections"]["uniqueItems"] = True
    else:
        from seeds_tui.core.observation import Observation

        schema = Observation.model_json_schema(by_alias=True, mode="validation")
        _observation_rules(schema)
        if len(tags) == 1:
            _as_of(schema, tags[0])
    _closed_patterns(schema)
    schema["properties"]["schema"] = {"title": "Schema", "type": "string", "enum": list(tags)}
    schema["required"] = ["schema", *[k for k in schema.get("required", []) if k != "schema"]]
    tag = tags[0] if len(tags) == 1 else tags[0].rsplit("/", 1)[0]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"urn:seeds-tui:{tag}", **schema}


def _closed_patterns(node: Any) -> None:
    """Keys that must match a pattern allow no others (pydantic leaves ``additionalProperties`` open)."""
    if isinstance(node, dict):
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _closed_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _closed_patterns(value)


def _stamps(node: Any) -> None:
    """Dates and date-times as TOML writes them (a pattern, so that every validator checks them)."""
    if isinstance(node, dict):
        if node.get("format") == "date" and node.get("type") == "string":
            node["pattern"] = _DATE
        elif node.get("format") == "date-time" and node.get("type") == "string":
            node["pattern"] = _STAMP
        for value in node.values():
            _stamps(value)
    elif isinstance(node, list):
        for value in node:
            _stamps(value)


def _observation_rules(schema: dict[str, Any]) -> None:
    from seeds_tui.core.rubric import SEMVER_RE

    defs = schema["$defs"]
    _stamps(schema)
    # A score has a level value or a code (NA/NO), never both.
    defs["Score"]["not"] = {"required": ["value", "code"]}
    # A final observation says when it was finalised, and its session clock has stopped.
    schema["if"] = {"properties": {"status": {"const": "final"}}, "required": ["status"]}
    schema["then"] = {
        "required": ["finalised"],
        "properties": {"finalised": {"type": "string"}, "session": {"not": {"required": ["running_since"]}}},
    }
    # The rubric named is a released version.
    defs["RubricRef"]["properties"]["version"]["pattern"] = SEMVER_RE.pattern


def _as_of(schema: dict[str, Any], tag: str) -> None:
    """The schema of one older observation format: without the keys later versions added
    (``seeds_tui.core.observation.ADDED_IN``), so that a file using them is refused, as that
    version's tools refuse an unknown key."""
    from seeds_tui.core.observation import ADDED_IN

    version = int(tag.rsplit("/", 1)[1])
    for later, keys in ADDED_IN.items():
        if int(later.rsplit("/", 1)[1]) <= version:
            continue
        for model, key in keys:
            node = schema if model == "Observation" else schema["$defs"][model]
            node["properties"].pop(key, None)
            if key in node.get("required", []):
                node["required"].remove(key)
            if model == "Feedback":  # the default shown for the whole feedback table
                schema["properties"]["feedback"].get("default", {}).pop(key, None)
    # A key that only a later version has also takes its rules away with it.
    then = schema.get("then", {})
    if "running_since" not in schema["$defs"]["Session"]["properties"]:
        then.get("properties", {}).pop("session", None)
    used = json.dumps(schema)
    for name in [n for n in schema["$defs"] if f'"#/$defs/{n}"' not in used]:
        del schema["$defs"][name]


def _rubric_rules(schema: dict[str, Any]) -> None:
    from seeds_tui.core.rubric import RESERVED_SCORING_KEYS, SEMVER_RE

    defs = schema["$defs"]
    schema["properties"]["version"]["pattern"] = SEMVER_RE.pattern
    schema["properties"]["sections"]["minItems"] = 1
    defs["Section"]["properties"]["items"]["minItems"] = 1
    levels = defs["Scale"]["properties"]["levels"]
    levels["minItems"], levels["maxItems"] = 1, 10
    defs["Counter"]["properties"]["key"]["not"] = {"enum": list(RESERVED_SCORING_KEYS)}
    # ``renamed`` and ``retired`` hold section.item ids: the model's own pattern (patternProperties);
    # no other key is a rename.
    schema["properties"]["renamed"]["additionalProperties"] = False
    # An indicator is a ratio of counters or a mean of globals, never both or neither.
    ids = {"type": "array", "items": {"type": "string", "pattern": _ID}}
    defs["Indicator"]["oneOf"] = [
        {
            "required": ["numerator", "denominator"],
            "properties": {"numerator": {**ids, "minItems": 1}, "denominator": {**ids, "minItems": 1}, "mean_of": {"maxItems": 0}},
        },
        {
            "required": ["mean_of"],
            "properties": {"mean_of": {**ids, "minItems": 1}, "numerator": {"maxItems": 0}, "denominator": {"maxItems": 0}},
        },
    ]


def _voice_schema(fmt: str, tag: str) -> dict[str, Any]:
    """The schema of a questionnaire or a response (seeds_tui.core.questionnaire)."""
    from seeds_tui.core.questionnaire import FORBIDDEN_KEYS, Questionnaire, Response
    from seeds_tui.core.rubric import SEMVER_RE

    model = Questionnaire if fmt == "questionnaire" else Response
    schema = model.model_json_schema(by_alias=True, mode="validation")
    _closed_patterns(schema)
    schema["properties"]["schema"] = {"title": "Schema", "type": "string", "enum": [tag]}
    schema["required"] = ["schema", *[k for k in schema.get("required", []) if k != "schema"]]
    if fmt == "questionnaire":
        schema["properties"]["version"]["pattern"] = SEMVER_RE.pattern
    else:
        schema["$defs"]["QuestionnaireRef"]["properties"]["version"]["pattern"] = SEMVER_RE.pattern
        # Anonymous: no name, case reference or date (closed by additionalProperties already; said here too).
        schema["not"] = {"anyOf": [{"required": [key]} for key in FORBIDDEN_KEYS]}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"urn:seeds-tui:{tag}", **schema}


def to_json_data(data: Any) -> Any:
    """TOML data as the JSON a schema checks: dates ``YYYY-MM-DD``, date-times RFC 3339.

    >>> from datetime import UTC, date, datetime
    >>> from seeds_tui.cli.schema import to_json_data
    >>> to_json_data({"d": date(2026, 11, 23), "t": [datetime(2026, 11, 23, 9, 30, tzinfo=UTC)]})
    {'d': '2026-11-23', 't': ['2026-11-23T09:30:00+00:00']}
    """
    if isinstance(data, dict):
        return {k: to_json_data(v) for k, v in data.items()}
    if isinstance(data, list):
        return [to_json_data(v) for v in data]
    if isinstance(data, (datetime, date, time)):
        return data.isoformat()
    return copy.copy(data)


def run(args: argparse.Namespace) -> int:
    """Print the schema as indented JSON."""
    print_json(json_schema(args.kind))
    return OK


__all__ = ["KINDS", "VALIDATE_ONLY", "json_schema", "to_json_data"]
