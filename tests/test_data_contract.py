"""The data contract (docs/data.md): every table has one Arrow schema whatever happened.

Two sweeps, one of them with injected failures (a chunk that holds only a failed run), must
have identical schemas and concatenate with pandas, polars and DuckDB; a run's and
``continuity validate``'s tables must have their documented schemas.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from cli_runner import continuity

import sim
from experiments.run_tables import summary_row
from sim import schemas

# 2 cut sizes x 2 seeds = 4 runs, one run per chunk (so a chunk can hold only a failed run)
SWEEP = [
    "experiment=turnover_x_cut",
    "design.parameters.shocks.turnover.first=[2018-12]",
    "design.parameters.shocks.funding_cut.size=[0.4,1.0]",
    "design.replications=2",
    "sweep.chunk_size=1",
]


@pytest.fixture(scope="module")
def two_sweeps(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("contract")
    ok = continuity("sweep", *SWEEP, f"hydra.sweep.dir={tmp / 'ok'}", cwd=tmp)
    assert ok.returncode == 0, ok.stderr + ok.stdout
    failed = continuity(
        "sweep",
        *SWEEP,
        "design.seed=1",
        f"hydra.sweep.dir={tmp / 'failed'}",
        cwd=tmp,
        CONTINUITY_FAIL_RUNS="0,3",
    )
    assert failed.returncode == 1 and "FAILED runs (2)" in failed.stdout, failed.stdout
    return tmp / "ok", tmp / "failed"


def plan_schema(directory: Path) -> pa.Schema:
    import json

    from experiments.results_store import _design_values

    return schemas.sweep_runs(_design_values(json.loads((directory / "sweep.json").read_text())))


@pytest.mark.slow
def test_sweeps_have_one_schema_whatever_failed(two_sweeps):
    ok, failed = two_sweeps
    a, b = pq.read_schema(ok / "runs.parquet"), pq.read_schema(failed / "runs.parquet")
    assert a.equals(b), f"{a}\n!=\n{b}"
    assert a.equals(plan_schema(ok))
    assert a.field("error").type == pa.string()
    assert a.field("months_to_recover").type == pa.int64()
    assert a.field("coalition_members_final").type == pa.int64()
    assert a.field("turnovers").type == pa.list_(pa.date32())
    assert a.field("reference_date").type == pa.date32()
    assert a.field("status").type == pa.dictionary(pa.int32(), pa.string())
    assert a.field("shocks.funding_cut.size").type == pa.float64()  # the config key's name
    for d in (ok, failed):
        assert pq.read_schema(d / "timeseries.parquet").equals(schemas.SWEEP_TIMESERIES)
    # the network of run 0 (it failed in the other sweep, which so has none)
    assert pq.read_schema(ok / "network_nodes.parquet").equals(schemas.NETWORK_NODES)
    assert pq.read_schema(ok / "network_edges.parquet").equals(schemas.NETWORK_EDGES)
    table = pq.read_table(failed / "runs.parquet").to_pydict()
    by_id = dict(zip(table["run_id"], range(4), strict=True))
    row = by_id[0]
    assert table["status"][row] == "failed" and table["error"][row].startswith("RuntimeError")
    assert table["months_to_recover"][row] is None and table["coalition_members_final"][row] is None
    turnovers = table["turnovers"][by_id[1]]
    assert turnovers[0] == dt.date(2018, 12, 1) and all(t.day == 1 for t in turnovers)
    # the timeseries of a sweep: date is the month's first day
    ts = pq.read_table(ok / "timeseries.parquet", columns=["date"]).column("date")
    assert ts[0].as_py() == dt.date(2017, 1, 1)


@pytest.mark.slow
def test_two_sweeps_concatenate_in_pandas(two_sweeps):
    frames = [
        pd.read_parquet(d / "runs.parquet", dtype_backend="numpy_nullable") for d in two_sweeps
    ]
    both = pd.concat(frames, ignore_index=True)
    assert len(both) == 8
    assert str(both["months_to_recover"].dtype) == "Int64"
    assert str(both["coalition_members_final"].dtype) == "Int64"
    assert both["coalition_members_final"].isna().sum() == 2
    assert both["error"].notna().sum() == 2
    assert pa.concat_tables([pq.read_table(d / "runs.parquet") for d in two_sweeps]).num_rows == 8
    ts = pd.concat([pd.read_parquet(d / "timeseries.parquet") for d in two_sweeps])
    assert len(ts) > 0


@pytest.mark.slow
def test_two_sweeps_concatenate_in_polars(two_sweeps):
    pl = pytest.importorskip("polars")
    both = pl.concat([pl.read_parquet(d / "runs.parquet") for d in two_sweeps], how="vertical")
    assert both.height == 8
    assert both.schema["months_to_recover"] == pl.Int64
    assert both.schema["error"] == pl.String
    assert both.schema["reference_date"] == pl.Date
    assert both.schema["turnovers"] == pl.List(pl.Date)
    assert both["error"].null_count() == 6
    ts = pl.concat([pl.read_parquet(d / "timeseries.parquet") for d in two_sweeps])
    assert ts.schema["date"] == pl.Date


@pytest.mark.slow
def test_two_sweeps_concatenate_in_duckdb(two_sweeps):
    duckdb = pytest.importorskip("duckdb")
    files = [str(d / "runs.parquet") for d in two_sweeps]
    con = duckdb.connect()
    n, errors, failed_ints = con.execute(
        "SELECT count(*), count(error), count(*) FILTER (WHERE coalition_members_final IS NULL) "
        "FROM read_parquet(?)",
        [files],
    ).fetchone()
    assert (n, errors, failed_ints) == (8, 2, 2)
    types = dict(
        con.execute(
            "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))", [files]
        ).fetchall()
    )
    assert types["months_to_recover"] == "BIGINT" and types["error"] == "VARCHAR"
    assert types["law_passed_date"] == "DATE" and types["turnovers"] == "DATE[]"
    ts = [str(d / "timeseries.parquet") for d in two_sweeps]
    (date_type,) = con.execute("SELECT DISTINCT typeof(date) FROM read_parquet(?)", [ts]).fetchone()
    assert date_type == "DATE"


def test_a_run_writes_its_documented_schemas(tmp_path):
    result = sim.simulate(seed=3)
    result.write(tmp_path, figure=False)
    assert pq.read_schema(tmp_path / "timeseries.parquet").equals(schemas.run_timeseries())
    assert pq.read_schema(tmp_path / "network_nodes.parquet").equals(schemas.NETWORK_NODES)
    assert pq.read_schema(tmp_path / "network_edges.parquet").equals(schemas.NETWORK_EDGES)
    dates = pq.read_table(tmp_path / "timeseries.parquet").column("date").to_pylist()
    assert dates[0] == dt.date(2017, 1, 1) and all(d.day == 1 for d in dates)


def test_every_summary_metric_is_declared():
    """A new summary metric needs its column type in sim/schemas.py and docs/data.md."""
    row = summary_row(sim.simulate(seed=1).summary)
    declared = set(schemas.SUMMARY_METRICS.names) | {f.name for f in schemas.agent_type_fields()}
    assert set(row) == declared


def test_a_table_of_failed_runs_only_has_the_same_schema():
    schema = schemas.sweep_runs({"shocks.funding_cut.size": [0.4, 1.0]})
    failed = pd.DataFrame(
        {
            "run_id": [0],
            "point_id": [0],
            "replication": [0],
            "seed": [5],
            "shocks.funding_cut.size": [0.4],
            "label": ["x"],
            "status": ["failed"],
            "error": ["RuntimeError: boom"],
            "elapsed_s": [0.1],
        }
    )
    row = summary_row(sim.simulate(seed=1).summary)
    ok = pd.DataFrame([{**failed.iloc[0].to_dict(), "status": "ok", "error": None, **row}])
    assert schemas.to_arrow(failed, schema).schema.equals(schemas.to_arrow(ok, schema).schema)
    with pytest.raises(ValueError, match="not in the table's schema"):
        schemas.to_arrow(failed.assign(surprise=1), schema)


def test_design_columns_take_their_type_from_the_plan():
    schema = schemas.sweep_runs(
        {"seed_like": [1, 2], "size": [0.5, 1], "first": ["2018-12"], "flag": [True, False]}
    )
    assert schema.field("seed_like").type == pa.int64()
    assert schema.field("size").type == pa.float64()
    assert schema.field("first").type == pa.string()
    assert schema.field("flag").type == pa.bool_()


@pytest.mark.slow
def test_validate_writes_its_documented_schemas(tmp_path):
    out = tmp_path / "val"
    done = continuity(
        "validate", "seeds=2", "counterfactuals=[deep_cut]", f"out={out}", cwd=tmp_path
    )
    assert done.returncode in (0, 1), done.stderr
    assert pq.read_schema(out / "runs.parquet").equals(schemas.VALIDATE_RUNS)
    assert pq.read_schema(out / "patterns.parquet").equals(schemas.VALIDATE_PATTERNS)
    assert pq.read_schema(out / "trajectories.parquet").equals(schemas.VALIDATE_TRAJECTORIES)


def test_docs_list_every_column_of_every_schema():
    text = (Path(__file__).resolve().parents[1] / "docs" / "data.md").read_text()
    tables = [
        schemas.run_timeseries(),
        schemas.SWEEP_TIMESERIES,
        schemas.NETWORK_NODES,
        schemas.NETWORK_EDGES,
        schemas.sweep_runs({}),
        schemas.VALIDATE_RUNS,
        schemas.VALIDATE_PATTERNS,
        schemas.VALIDATE_TRAJECTORIES,
    ]
    missing = sorted({f.name for t in tables for f in t if f"`{f.name}`" not in text})
    assert not missing, f"docs/data.md does not list {missing}"
