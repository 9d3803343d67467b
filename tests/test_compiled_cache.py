"""The compiled model is compiled once, says so, and is loaded from disk afterwards."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.compiled import cache

ROOT = Path(__file__).resolve().parents[1]


def test_cache_folder_follows_the_kernel_sources(tmp_path, monkeypatch):
    copy = tmp_path / "compiled"
    shutil.copytree(cache.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE", copy)
    monkeypatch.setenv("CONTINUITY_CACHE_DIR", str(tmp_path / "cache"))
    first = cache.cache_dir()
    assert first == cache.cache_dir()  # stable
    assert first.parent == tmp_path / "cache" and first.name.startswith("numba-")
    kernel = copy / "rules.py"
    kernel.write_text(kernel.read_text() + "\n# a change\n")
    assert cache.cache_dir() != first  # an edited kernel compiles into a new folder


def test_cache_folder_defaults_to_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("CONTINUITY_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir().parent == tmp_path / "continuity"


@pytest.mark.slow
def test_first_run_says_it_compiles_and_the_second_loads(tmp_path):
    """Two fresh processes with an empty cache folder: the first compiles and says so."""
    env = dict(os.environ, CONTINUITY_CACHE_DIR=str(tmp_path / "cache"))
    code = "from sim.api import simulate; print(simulate(seed=1).summary['continuity_index'])"
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT
        )
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    assert "compiling the model once" in runs[0].stderr
    assert "compiling the model once" not in runs[1].stderr
    assert runs[0].stdout == runs[1].stdout  # the same run from the cache
    assert any((tmp_path / "cache").rglob("*.nbc"))
