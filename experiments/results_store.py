"""The results store of a sweep directory: chunk files written atomically, collected into two tables.

Layout of a sweep directory ``DIR``::

    sweep.json                       the plan: every run's config and seed (experiments.sweep_plan)
    attempts/NNN.json                the chunks (lists of run ids) of each launch
    chunks/NNN-CCCC.runs.parquet     one row per run of a finished chunk
    chunks/NNN-CCCC.timeseries.parquet   its long time series
    chunks/NNN-CCCC.done             completion marker: run ids, statuses, file hashes
    progress/NNN-CCCC                runs done so far by a running chunk (for the progress bar)
    runs.parquet, timeseries.parquet the collected tables (``continuity collect DIR``)

A chunk counts as finished only when its marker exists and names files whose hashes match,
and the marker is written last (each file goes to a temporary name and is renamed into place),
so a kill at any moment leaves either a whole chunk or none of it. A write that fails (a full
disk) removes what the chunk had already put in place, so only whole chunks are ever visible.

For fault-injection tests, ``CONTINUITY_FAULT=ACTION@STAGE:CHUNK`` (see :func:`inject_fault`)
kills or fails chunk number CHUNK at one stage of its work.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.api import atomic_write, remove_stale_temporaries
from sim.schemas import sweep_runs, to_arrow, write_parquet

ID_COLUMNS = ("run_id", "point_id", "replication", "seed")
TIMING_COLUMNS = ("elapsed_s",)
"""Columns that differ between otherwise identical sweeps (excluded from comparisons)."""
TS_ID_COLUMNS = ("run_id", "date", "step", "administration")
TS_DICTIONARY = [*TS_ID_COLUMNS, "variable"]
"""The time series' columns worth Parquet's dictionary encoding (not ``value``: nearly every
value is distinct, so the writer would try a dictionary and give it up, a third of its time)."""
TS_STATISTICS = ["run_id", "date", "step", "value"]
"""The time series' columns with min/max statistics in the file (readers skip row groups by
them, e.g. a filter on ``run_id``); not the two text columns, whose statistics cost a quarter of
the write and filter nothing (every row group holds every administration and variable)."""
TS_WRITE = {"use_dictionary": TS_DICTIONARY, "write_statistics": TS_STATISTICS}
"""How ``timeseries.parquet`` is written."""
CHUNK_TIMESERIES = {**TS_WRITE, "compression": "none"}
"""How a chunk writes its time series: a working file read once by ``collect``, so written fast
(about 3x faster than the defaults, 1.4x larger) rather than small."""


FAULT_ENV = "CONTINUITY_FAULT"
FAULT_STAGES = ("mid", "runs", "timeseries", "done")


def inject_fault(stage: str, name: str, path: Path | None = None) -> None:
    """Test hook: act on ``CONTINUITY_FAULT=ACTION@STAGE:CHUNK`` when chunk CHUNK reaches STAGE.

    STAGE: ``mid`` (after the chunk's first run), ``runs`` or ``timeseries`` (that file written
    to its temporary name, not yet renamed), ``done`` (the files in place, the marker not yet
    written). ACTION: see :mod:`sim.faults` (``kill``, ``killpg``, ``enospc``, ``sigint``,
    ``sigterm``). CHUNK is the chunk number of any attempt.
    """
    from sim.faults import fault

    fault(stage, int(name.rsplit("-", 1)[1]), path)


def chunk_name(attempt: int, chunk: int) -> str:
    """``NNN-CCCC``: the file stem of one chunk of one attempt."""
    return f"{attempt:03d}-{chunk:04d}"


def sha256(path: Path) -> str:
    """The SHA-256 of a file (hex), read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_sha256 = sha256


def write_chunk(
    sweep_dir: Path,
    name: str,
    rows: list[dict[str, Any]],
    timeseries: Any,
    seconds: float,
    digest: str | None = None,
) -> None:
    """Write one finished chunk: its tables, then its completion marker (all atomic).

    Args:
        sweep_dir: The sweep directory.
        name: The chunk's name (:func:`chunk_name`).
        rows: One summary row per run.
        timeseries: The runs' long time series (a pyarrow table), or None.
        seconds: Time the chunk took.
        digest: The sweep's digest, recorded in the marker (a resume checks it).

    """
    import pyarrow.parquet as pq

    def runs_file(p: str) -> None:
        pd.DataFrame(rows).to_parquet(p, index=False)
        inject_fault("runs", name, Path(p))

    def timeseries_file(p: str) -> None:
        pq.write_table(timeseries, p, **CHUNK_TIMESERIES)
        inject_fault("timeseries", name, Path(p))

    chunks = sweep_dir / "chunks"
    chunks.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    try:
        runs_path = atomic_write(chunks / f"{name}.runs.parquet", runs_file)
        files[runs_path.name] = _sha256(runs_path)
        if timeseries is not None:
            ts_path = atomic_write(chunks / f"{name}.timeseries.parquet", timeseries_file)
            files[ts_path.name] = _sha256(ts_path)
        inject_fault("done", name, chunks / f"{name}.done")
        marker = {
            "runs": [[int(r["run_id"]), r["status"]] for r in rows],
            "files": files,
            "seconds": seconds,
            "digest": digest,
        }
        text = json.dumps(marker)
        atomic_write(chunks / f"{name}.done", lambda p: Path(p).write_text(text))
    except BaseException:
        for f in files:  # no marker: leave none of the chunk visible
            (chunks / f).unlink(missing_ok=True)
        raise


def remove_unfinished(sweep_dir: Path) -> int:
    """Delete temporary files and chunk files without a marker (left by a kill); return how many.

    Call it only while no job of the sweep runs (``continuity sweep`` holds the directory lock).
    """
    chunks = sweep_dir / "chunks"
    if not chunks.is_dir():
        return 0
    done = {m.name[: -len(".done")] for m in chunks.glob("*.done") if not m.name.startswith(".")}
    removed = 0
    for f in chunks.iterdir():
        if f.is_file() and (f.name.startswith(".") or f.name.split(".", 1)[0] not in done):
            f.unlink(missing_ok=True)
            removed += 1
    return removed


@dataclass
class Chunk:
    """A finished chunk as its marker describes it."""

    name: str
    runs: dict[int, str]
    files: dict[str, str]
    seconds: float


def finished_chunks(
    sweep_dir: Path, verify: bool = False, names: set[str] | None = None
) -> list[Chunk]:
    """The chunks whose marker exists (and, with ``verify``, whose files match it), by name.

    Args:
        sweep_dir: The sweep directory.
        verify: Also check the files' SHA-256 against the marker.
        names: Only these chunks (default: all).

    """
    out = []
    chunks = sweep_dir / "chunks"
    markers = (
        [chunks / f"{n}.done" for n in sorted(names)]
        if names is not None
        else sorted(chunks.glob("[!.]*.done"))
    )
    for marker in markers:
        try:
            data = json.loads(marker.read_text())
            chunk = Chunk(
                marker.name[: -len(".done")],
                {int(r): str(s) for r, s in data["runs"]},
                {str(k): str(v) for k, v in data["files"].items()},
                float(data.get("seconds", 0.0)),
            )
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            continue  # a damaged marker: the chunk does not count (a resume redoes it)
        paths = [sweep_dir / "chunks" / f for f in chunk.files]
        if not all(p.exists() for p in paths):
            continue
        if verify and any(_sha256(p) != chunk.files[p.name] for p in paths):
            continue
        out.append(chunk)
    return out


def is_finished(sweep_dir: Path, name: str) -> bool:
    """Whether chunk ``name`` has finished (its marker and the files it names exist)."""
    return any(c.name == name for c in finished_chunks(sweep_dir, names={name}))


def finished_runs(sweep_dir: Path, retry_failed: bool = False) -> dict[int, str]:
    """Run id → status of every finished run (an ``ok`` wins over a ``failed`` of the same run)."""
    done: dict[int, str] = {}
    for chunk in finished_chunks(sweep_dir):
        for run_id, status in chunk.runs.items():
            if done.get(run_id) != "ok":
                done[run_id] = status
    if retry_failed:
        done = {r: s for r, s in done.items() if s == "ok"}
    return done


@dataclass
class Collected:
    """What ``collect`` found and wrote."""

    runs: pd.DataFrame
    expected: int
    missing: list[int] = field(default_factory=list)
    failed: pd.DataFrame | None = None
    timeseries_rows: int = 0
    files: list[Path] = field(default_factory=list)


def _design_values(plan: dict[str, Any]) -> dict[str, list[Any]]:
    """Design key → its values over the plan's points (as the table cells hold them)."""
    from experiments.sweep_plan import format_value

    keys = list(plan["design"]["parameters"])
    return {k: [format_value(p["values"].get(k)) for p in plan["points"]] for k in keys}


def _pick_chunks(chunks: list[Chunk]) -> dict[str, set[int]]:
    """Which runs to take from which chunk: the first ``ok`` of each run, else its first row."""
    source: dict[int, tuple[str, str]] = {}
    for chunk in chunks:
        for run_id, status in chunk.runs.items():
            if run_id not in source or (source[run_id][1] != "ok" and status == "ok"):
                source[run_id] = (chunk.name, status)
    picked: dict[str, set[int]] = {}
    for run_id, (name, _) in source.items():
        picked.setdefault(name, set()).add(run_id)
    return picked


def collect(sweep_dir: Path) -> Collected:
    """Build ``DIR/runs.parquet`` and ``DIR/timeseries.parquet`` from the finished chunks.

    Rows are sorted by ``run_id``; a run finished twice (a resumed chunk that a surviving
    worker also finished) appears once. The tables are identical whatever the launcher,
    workers, chunk size or interruptions.

    Columns: the ids, the design keys, ``label``, ``status``, ``error``, then the metrics in
    their order, then the timing columns.

    Args:
        sweep_dir: The sweep directory.

    """
    remove_stale_temporaries(sweep_dir, ("runs.", "timeseries.", "network_", "sweep."))
    plan = json.loads((sweep_dir / "sweep.json").read_text())
    expected = len(plan["runs"])
    chunks = finished_chunks(sweep_dir, verify=True)
    picked = _pick_chunks(chunks)
    # the time series is encoded (most of the work, in pyarrow, which releases the GIL) in a
    # thread while this one makes runs.parquet; the files are then written in that order
    with ThreadPoolExecutor(1) as pool:
        series = pool.submit(_encode_timeseries, sweep_dir, chunks, picked)
        runs, runs_file = _collect_runs(sweep_dir, plan, chunks, picked)
        n_ts, encoded = series.result()
    files = [runs_file]
    if encoded is not None:
        ts_path = sweep_dir / "timeseries.parquet"
        files.append(atomic_write(ts_path, lambda p: Path(p).write_bytes(encoded)))
    done = set(runs["run_id"].astype(int)) if len(runs) else set()
    missing = [r[0] for r in plan["runs"] if r[0] not in done]
    failed = runs[runs["status"] != "ok"] if len(runs) else None
    return Collected(runs, expected, missing, failed, n_ts, files)


def _collect_runs(
    sweep_dir: Path, plan: dict[str, Any], chunks: list[Chunk], picked: dict[str, set[int]]
) -> tuple[pd.DataFrame, Path]:
    """Write ``DIR/runs.parquet`` from the picked rows of the chunks; return it and its path."""
    frames = []
    for chunk in chunks:
        if chunk.name not in picked:
            continue
        df = pd.read_parquet(sweep_dir / "chunks" / f"{chunk.name}.runs.parquet")
        frames.append(df[df["run_id"].isin(picked[chunk.name])])
    runs = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ID_COLUMNS)
    runs = runs.sort_values("run_id", kind="stable").reset_index(drop=True)
    order = [*ID_COLUMNS, *plan["design"]["parameters"], "label", "status", "error"]
    lead = [c for c in order if c in runs.columns]
    timing = [c for c in TIMING_COLUMNS if c in runs.columns]
    rest = [c for c in runs.columns if c not in lead and c not in timing]
    schema = sweep_runs(_design_values(plan))
    table = to_arrow(runs[lead + rest + timing], schema)
    path = atomic_write(sweep_dir / "runs.parquet", lambda p: write_parquet(table, schema, p))
    return table.to_pandas(), path


def _encode_timeseries(
    sweep_dir: Path, chunks: list[Chunk], picked: dict[str, set[int]]
) -> tuple[int, Any]:
    """The picked runs' time series as the bytes of ``timeseries.parquet`` (None if none)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    tables = []
    for chunk in chunks:
        path = sweep_dir / "chunks" / f"{chunk.name}.timeseries.parquet"
        if chunk.name in picked and path.exists():
            t = pq.read_table(path, read_dictionary=["administration", "variable"])
            if set(chunk.runs) - picked[chunk.name]:  # some of its runs come from another chunk
                t = t.filter(pc.is_in(t["run_id"], pa.array(sorted(picked[chunk.name]))))
            tables.append(t)
    if not tables:
        return 0, None
    ts = pa.concat_tables(tables)
    ids = ts["run_id"].to_numpy()
    if ids.size and (ids[1:] < ids[:-1]).any():
        ts = ts.sort_by([("run_id", "ascending")])  # stable: months and variables keep order
    sink = pa.BufferOutputStream()
    pq.write_table(ts, sink, **TS_WRITE)
    return ts.num_rows, sink.getvalue()
