"""What a resume may keep: every finished chunk verified, every problem redone, the same sweep.

``continuity sweep`` calls :func:`check_manifest` and :func:`verify_chunks` (holding the
directory lock) before it plans the remaining runs:

* :func:`check_manifest` reads ``DIR/sweep.json``. The same sweep (same digest: configs, design,
  seeds, package version, model code and data files, see :mod:`experiments.provenance`) is
  resumed; another sweep is refused, naming what differs (configs, or which code/data files
  changed since the kill). A ``sweep.json`` that is missing or unreadable while chunks exist is
  rewritten from the plan only when every marker carries this plan's digest; otherwise it is
  refused (nothing is guessed).
* :func:`verify_chunks` checks each completion marker: valid JSON of the expected shape, the run
  ids the attempt gave this chunk, every file it names present with its SHA-256, the runs file
  readable as Parquet holding exactly those run ids, the time-series file readable and naming
  only those runs. A chunk that fails any check is deleted (marker first, so it never counts)
  and its runs are planned again; one line per resume says how many and why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.results_store import remove_unfinished, sha256
from sim.api import atomic_write
from sim.errors import InputError


@dataclass
class Rejected:
    """A finished chunk that failed verification."""

    name: str
    reason: str
    runs: int


def _read_marker(path: Path) -> tuple[dict[str, Any] | None, str]:
    """The marker's content if it has the expected shape, else (None, why not)."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError, UnicodeDecodeError):
        return None, "marker unreadable"
    if not isinstance(data, dict):
        return None, "marker is not an object"
    runs, files = data.get("runs"), data.get("files")
    if not isinstance(runs, list) or not runs:
        return None, "marker names no runs"
    if not all(
        isinstance(r, list) and len(r) == 2 and isinstance(r[0], int) and r[1] in ("ok", "failed")
        for r in runs
    ):
        return None, "marker runs malformed"
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in files.items()
    ):
        return None, "marker files malformed"
    return data, ""


def _expected_ids(sweep_dir: Path, name: str) -> list[int] | None:
    """The run ids the attempt gave chunk ``name`` (None if the attempt file is unreadable)."""
    attempt, _, chunk = name.partition("-")
    try:
        chunks = json.loads((sweep_dir / "attempts" / f"{attempt}.json").read_text())["chunks"]
        return [int(i) for i in chunks[int(chunk)]]
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None


def chunk_problem(sweep_dir: Path, name: str, digest: str | None, n_runs: int) -> str | None:
    """Why finished chunk ``name`` cannot be kept, or None if it verifies."""
    import pyarrow.parquet as pq

    chunks = sweep_dir / "chunks"
    data, why = _read_marker(chunks / f"{name}.done")
    if data is None:
        return why
    if digest is not None and data.get("digest") not in (None, digest):
        return "marker of another sweep"
    ids = [r[0] for r in data["runs"]]
    if any(not 0 <= i < n_runs for i in ids) or len(set(ids)) != len(ids):
        return "run ids outside the plan"
    expected = _expected_ids(sweep_dir, name)
    if expected is not None and sorted(expected) != sorted(ids):
        return "run ids differ from its attempt"
    runs_name = f"{name}.runs.parquet"
    if runs_name not in data["files"]:
        return "no runs file named"
    for fname, digest_ in data["files"].items():
        path = chunks / fname
        if "/" in fname or not fname.startswith(f"{name}.") or not path.is_file():
            return f"{fname} missing"
        if sha256(path) != digest_:
            return f"{fname} fails its hash"
    try:
        table = pq.read_table(chunks / runs_name, columns=["run_id", "status"])
    except Exception:  # noqa: BLE001 - any reader failure means the file is unusable
        return f"{runs_name} unreadable"
    if sorted(table["run_id"].to_pylist()) != sorted(ids):
        return f"{runs_name} holds other runs than its marker"
    ts_name = f"{name}.timeseries.parquet"
    if ts_name in data["files"]:
        try:
            ts = pq.read_table(chunks / ts_name, columns=["run_id"])
        except Exception:  # noqa: BLE001
            return f"{ts_name} unreadable"
        ok = {r[0] for r in data["runs"] if r[1] == "ok"}
        if not set(ts["run_id"].to_pylist()) <= ok:
            return f"{ts_name} holds other runs than its marker"
    return None


def verify_chunks(sweep_dir: Path, digest: str | None, n_runs: int) -> list[Rejected]:
    """Delete every finished chunk that fails :func:`chunk_problem` (and what a kill left).

    Call only while holding the sweep directory's lock.

    Returns:
        The rejected chunks (their runs will be planned again).
    """
    remove_unfinished(sweep_dir)
    chunks = sweep_dir / "chunks"
    rejected: list[Rejected] = []
    if not chunks.is_dir():
        return rejected
    for marker in sorted(chunks.glob("[!.]*.done")):
        name = marker.name[: -len(".done")]
        problem = chunk_problem(sweep_dir, name, digest, n_runs)
        if problem is None:
            continue
        data, _ = _read_marker(marker)
        n = len(data["runs"]) if data else 0
        marker.unlink(missing_ok=True)  # the marker first: a kill now leaves no counted chunk
        for f in chunks.glob(f"{name}.*"):
            f.unlink(missing_ok=True)
        rejected.append(Rejected(name, problem, n))
    return rejected


def describe_rejected(rejected: list[Rejected]) -> str:
    """One line: how many finished chunks are redone and why (the first three)."""
    shown = "; ".join(f"{r.name}: {r.reason}" for r in rejected[:3])
    more = f"; and {len(rejected) - 3} more" if len(rejected) > 3 else ""
    runs = sum(r.runs for r in rejected)
    return (
        f"  verification: {len(rejected)} finished chunk(s) failed their checks and are redone "
        f"({runs} run(s); {shown}{more})"
    )


def _marker_digests(sweep_dir: Path) -> set[str | None]:
    out: set[str | None] = set()
    for marker in (sweep_dir / "chunks").glob("[!.]*.done"):
        data, _ = _read_marker(marker)
        if data is not None:
            out.add(data.get("digest"))
    return out


def check_manifest(sweep_dir: Path, manifest: dict[str, Any]) -> bool:
    """Check that ``DIR/sweep.json`` describes this sweep; write it if it is new or lost.

    Args:
        sweep_dir: The (locked) sweep directory.
        manifest: The plan's manifest (``Plan.to_json()``).

    Returns:
        True when the directory already held this sweep (a resume), False when new.

    Raises:
        InputError: The directory holds another sweep, or a lost ``sweep.json`` cannot be
            told to belong to this sweep.
    """
    from experiments.provenance import changed_files

    path = sweep_dir / "sweep.json"
    digest = manifest["digest"]
    old: Any = None
    broken = ""
    if path.exists():
        try:
            old = json.loads(path.read_text())
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            broken = f"unreadable ({type(exc).__name__})"
        if old is not None and not isinstance(old, dict):
            broken, old = "not a sweep plan", None
    if isinstance(old, dict):
        if old.get("digest") == digest:
            return True
        changed = changed_files(old.get("provenance"), manifest["provenance"])
        same_configs = old.get("config_digest") == manifest["config_digest"] or (
            "provenance" not in old
            and (old.get("experiment"), old.get("overrides"))
            == (manifest["experiment"], manifest["overrides"])
        )
        if same_configs and changed:
            raise InputError(
                [
                    f"hydra.sweep.dir: {sweep_dir} holds this sweep made with other code or data "
                    f"({changed}); its finished runs cannot be mixed with new ones: choose "
                    "another hydra.sweep.dir= (or delete it, or restore that version)"
                ]
            )
        if "digest" not in old or "runs" not in old:
            broken = "not a sweep plan"
        else:
            raise InputError(
                [
                    f"hydra.sweep.dir: {sweep_dir} holds another sweep (experiment "
                    f"{old.get('experiment')!r}, overrides {old.get('overrides')}); repeat that "
                    "command to resume it, or choose another hydra.sweep.dir= (or delete it)"
                ]
            )
    has_chunks = (sweep_dir / "chunks").is_dir() and any((sweep_dir / "chunks").glob("[!.]*.done"))
    if has_chunks:
        digests = _marker_digests(sweep_dir)
        if digests != {digest}:
            what = broken or "missing"
            raise InputError(
                [
                    f"hydra.sweep.dir: {sweep_dir}/sweep.json is {what} and its finished chunks "
                    "do not show they belong to this sweep; choose another hydra.sweep.dir= "
                    "(or delete the directory)"
                ]
            )
    text = json.dumps(manifest, allow_nan=False)
    try:
        sweep_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(path, lambda p: Path(p).write_text(text))
    except OSError as exc:
        raise InputError(
            [f"hydra.sweep.dir: cannot create or write {sweep_dir}: {exc.strerror or exc}"]
        ) from None
    return has_chunks


def restore_manifest(sweep_dir: Path, manifest: dict[str, Any]) -> bool:
    """Rewrite ``DIR/sweep.json`` if it was deleted or damaged while the sweep ran.

    Returns:
        True if it had to be rewritten.
    """
    path = sweep_dir / "sweep.json"
    try:
        if json.loads(path.read_text()).get("digest") == manifest["digest"]:
            return False
    except (OSError, ValueError, UnicodeDecodeError, AttributeError):
        pass
    text = json.dumps(manifest, allow_nan=False)
    atomic_write(path, lambda p: Path(p).write_text(text))
    return True
