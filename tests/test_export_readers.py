"""The exports read right in every common reader with its default settings: pandas, DuckDB and
Polars read the CSV, the JSON Lines and the Parquet dataset of one table as the same table:
the same columns in the same order, the same values, dates as dates, NA/NO codes never taken for
missing, and one meaning for missing (null) everywhere."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from seeds_tui.cli import main
from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage.store import Store

TABLES = ("items", "observations")


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("exports")
    store = Store(base / "store")
    generate_demo(store, 80, seed=4, today=date(2026, 11, 23))
    for table in TABLES:
        for fmt, name in (("csv", f"{table}.csv"), ("jsonl", f"{table}.jsonl"), ("parquet", table)):
            argv = ["export", "--store", str(store.root), "--table", table, "--format", fmt, "-o", str(base / name), "--quiet"]
            assert main(argv) == 0
    return base


def cell(value: object) -> object:
    """One cell as plain data, whatever the reader's types: missing is None, numbers are floats."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (date, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def rows(frame: pd.DataFrame) -> list[list[object]]:
    return [[cell(v) for v in row] for row in frame.astype(object).itertuples(index=False)]


@pytest.mark.parametrize("table", TABLES)
def test_pandas_defaults_read_the_csv_as_the_parquet_dataset(exports: Path, table: str) -> None:
    from_csv = pd.read_csv(exports / f"{table}.csv")  # every default: "NA", "" and friends become missing
    from_parquet = pd.read_parquet(exports / table)
    from_jsonl = pd.read_json(exports / f"{table}.jsonl", lines=True, dtype=False)
    assert list(from_csv.columns) == list(from_parquet.columns) == list(from_jsonl.columns)
    from_parquet = from_parquet.sort_values("observation_id", kind="stable").reset_index(drop=True)
    keys = ["observation_id", "section", "item"] if table == "items" else ["observation_id"]
    ordered = [f.sort_values(keys, kind="stable").reset_index(drop=True) for f in (from_csv, from_parquet, from_jsonl)]
    assert rows(ordered[0]) == rows(ordered[1]) == rows(ordered[2])


def test_na_and_no_codes_survive_every_default_reader(exports: Path) -> None:
    items = pd.read_csv(exports / "items.csv")
    # The docs' idiom: a row without a code is a scored row, in the CSV as in the Parquet dataset.
    assert (items["code"].isna() == items["value"].notna()).all()
    assert set(items["code"].dropna()) == {"not_applicable", "not_observed"}
    parquet = pd.read_parquet(exports / "items")
    assert items["code"].value_counts().to_dict() == parquet["code"].value_counts().to_dict()
    for source in (f"read_csv('{exports}/items.csv')", f"read_parquet('{exports}/items/**/*.parquet', hive_partitioning = true)"):
        [(na, no, scored)] = duckdb.sql(
            f"select count(*) filter (code = 'not_applicable'), count(*) filter (code = 'not_observed'), "
            f"count(*) filter (code is null and value is not null) from {source}"
        ).fetchall()
        assert na > 0 and no > 0 and na + no + scored == len(items)
    polars_csv = pl.read_csv(exports / "items.csv")
    assert polars_csv["code"].null_count() == items["value"].notna().sum()


@pytest.mark.parametrize("table", TABLES)
def test_duckdb_and_polars_see_one_table_in_every_format(exports: Path, table: str) -> None:
    header = (exports / f"{table}.csv").read_text().splitlines()[0].split(",")
    first = json.loads((exports / f"{table}.jsonl").read_text().splitlines()[0])
    assert list(first) == header
    sources = {
        "csv": f"read_csv('{exports}/{table}.csv')",
        "jsonl": f"read_json('{exports}/{table}.jsonl')",
        "parquet": f"read_parquet('{exports}/{table}/**/*.parquet', hive_partitioning = true)",
    }
    types = {}
    for fmt, source in sources.items():
        rel = duckdb.sql(f"select * from {source}")
        assert rel.columns == header, fmt  # the partition columns where the CSV has them
        types[fmt] = dict(zip(rel.columns, (str(t) for t in rel.types), strict=True))
        assert types[fmt]["session_date"] == "DATE", fmt
    # Unions and joins across formats match row for row.
    [(missing,)] = duckdb.sql(f"select count(*) from (select * from {sources['csv']} except select * from {sources['parquet']})").fetchall()
    assert missing == 0
    last = f'"{header[-1]}"'
    [(nulls_csv,)] = duckdb.sql(f"select count(*) from {sources['csv']} where {last} is null").fetchall()
    [(nulls_parquet,)] = duckdb.sql(f"select count(*) from {sources['parquet']} where {last} is null").fetchall()
    assert nulls_csv == nulls_parquet
    lazy = pl.scan_parquet(f"{exports}/{table}/**/*.parquet", hive_partitioning=True).collect()
    assert lazy.columns == header
    assert lazy.schema["session_date"] == pl.Date
    csv = pl.read_csv(exports / f"{table}.csv", try_parse_dates=True)
    assert csv.columns == header and csv.schema["session_date"] == pl.Date


@pytest.mark.parametrize("table", TABLES)
def test_parquet_dates_are_dates_and_missing_is_null(exports: Path, table: str) -> None:
    part = next((exports / table).rglob("*.parquet"))
    schema = pq.read_schema(part)
    assert schema.field("session_date").type == pa.date32()
    assert {"rubric_id", "quarter"} <= set(schema.names)  # in the files too, not only in folder names
    frame = pq.read_table(part).to_pandas()
    text = [c for c in frame.columns if frame[c].dtype == object or isinstance(frame[c].dtype, pd.StringDtype)]
    for col in text:
        assert not (frame[col].astype(object) == "").any(), f"{col} holds empty text instead of null"
    lines = [json.loads(line) for line in (exports / f"{table}.jsonl").read_text().splitlines()]
    assert not any(v == "" for line in lines for v in line.values())
    if table == "observations":
        assert any(line["session_ref"] is None for line in lines) and any(line["session_ref"] for line in lines)
