"""``seeds-tui schema rubric|observation``: the JSON Schema of a file format."""

from __future__ import annotations

import argparse
import json

from seeds_tui.cli.common import OK


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``schema`` command."""
    parser = sub.add_parser(
        "schema",
        parents=parents,
        help="print the JSON Schema of a file format",
        description="Print the JSON Schema (generated from the models) of the rubric or observation format.",
    )
    parser.add_argument("kind", choices=["rubric", "observation"], help="which format")
    parser.set_defaults(func=run)


def json_schema(kind: str) -> dict:
    """The JSON Schema of the rubric or observation format, with its $id and title."""
    if kind == "rubric":
        from seeds_tui.core.rubric import RUBRIC_SCHEMA as tag
        from seeds_tui.core.rubric import Rubric as model
    else:
        from seeds_tui.core.observation import OBSERVATION_SCHEMA as tag
        from seeds_tui.core.observation import Observation as model
    schema = model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"urn:seeds-tui:{tag}", **schema}


def run(args: argparse.Namespace) -> int:
    """Print the schema as indented JSON."""
    print(json.dumps(json_schema(args.kind), indent=2, sort_keys=False))
    return OK
