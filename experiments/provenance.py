"""What a sweep's results depend on besides its configs: package version, model code, data files.

:func:`provenance` records the installed version of ``continuity`` and the SHA-256 of every file
the runs read or execute: the model package (``sim/``, its code and its packaged data such as the
Mexico actor tables and the shipped posterior), the code that turns a run into table rows, and any
user network file a config names (``network.nodes``, ``network.edges``) or posterior file
(``params.posterior.file``). The sweep digest covers it, so a resume
after an edit of the code or the data refuses to mix old and new runs, and says which files
changed (:func:`changed_files`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CODE = ("sim", "experiments/sweep_job.py", "experiments/run_tables.py", "experiments/sweep_plan.py")
"""Paths under the project root whose files (recursively) a sweep's results depend on."""
SKIP_SUFFIXES = (".pyc", ".pyo")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("continuity")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _files() -> list[Path]:
    out: list[Path] = []
    for rel in CODE:
        path = ROOT / rel
        if path.is_file():
            out.append(path)
        elif path.is_dir():
            out += [
                p
                for p in path.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and p.suffix not in SKIP_SUFFIXES
            ]
    return sorted(out)


def _hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def _network_files(bases: list[dict[str, Any]]) -> list[Path]:
    paths = set()
    for base in bases:
        net = base.get("network") or {}
        if net.get("kind") == "file":
            for key in ("nodes", "edges"):
                if net.get(key):
                    paths.add(Path(str(net[key])).expanduser().resolve())
    return sorted(paths)


def _posterior_files(bases: list[dict[str, Any]]) -> list[Path]:
    """User posterior files the configs draw parameters from (the shipped one is under sim/)."""
    paths = set()
    for base in bases:
        spec = (base.get("params") or {}).get("posterior")
        if isinstance(spec, dict) and spec.get("file"):
            paths.add(Path(str(spec["file"])).expanduser().resolve())
    return sorted(paths)


def provenance(bases: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The version and file hashes (relative path or absolute user path → SHA-256 prefix)."""
    files = {str(p.relative_to(ROOT)): _hash(p) for p in _files()}
    for p in [*_network_files(bases or []), *_posterior_files(bases or [])]:
        files[str(p)] = _hash(p) if p.is_file() else "missing"
    return {"version": _version(), "files": files}


def changed_files(old: Any, new: dict[str, Any]) -> str:
    """A short text naming what differs between two provenance records ("" if nothing)."""
    if not isinstance(old, dict) or not isinstance(old.get("files"), dict):
        return "an earlier version of continuity that did not record its code and data"
    parts = []
    if old.get("version") != new["version"]:
        parts.append(f"version {old.get('version')} then, {new['version']} now")
    a, b = old["files"], new["files"]
    names = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    if names:
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        parts.append(f"changed files: {shown}")
    return "; ".join(parts)
