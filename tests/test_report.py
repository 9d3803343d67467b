"""``continuity report`` end to end on tiny real sweeps and a real run, through the console command."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pandas as pd
import pytest
from cli_runner import continuity


def made(*args: str, cwd: Path) -> None:
    done = continuity(*args, cwd=cwd)
    assert done.returncode == 0, done.stderr + done.stdout


@pytest.fixture(scope="module")
def dirs(tmp_path_factory) -> dict[str, Path]:
    """A 3 x 2 grid (2 seeds), three tactic sets (4 paired seeds) and one run."""
    tmp = tmp_path_factory.mktemp("report")
    made(
        "sweep",
        "experiment=turnover_x_cut",
        "design.parameters.shocks.turnover.first=[2018-12,2019-12,2020-12]",
        "design.parameters.shocks.funding_cut.size=[0.4,1.0]",
        "design.replications=2",
        f"hydra.sweep.dir={tmp / 'grid'}",
        cwd=tmp,
    )
    made(
        "sweep",
        "experiment=tactics",
        "design.parameters.tactics=[[],[law],[broad_coalition],[law,broad_coalition]]",
        "design.replications=6",
        f"hydra.sweep.dir={tmp / 'tactics'}",
        cwd=tmp,
    )
    made("run", f"hydra.run.dir={tmp / 'run'}", cwd=tmp)
    return {"grid": tmp / "grid", "tactics": tmp / "tactics", "run": tmp / "run", "tmp": tmp}


def report(directory: Path, *options: str) -> tuple[str, str]:
    done = continuity("report", str(directory), *options, cwd=directory.parent)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    return (directory / "report" / "index.html").read_text(), done.stdout


def sections(html: str) -> list[str]:
    return re.findall(r'<section id="(\w+)">', html)


def test_grid_sweep_report(dirs):
    html, out = report(dirs["grid"])
    assert sections(html) == ["overview", "trajectories", "contributions", "heatmap", "network"]
    for stem in ("trajectories", "contributions", "heatmap", "network"):
        for suffix in (".png", ".svg"):
            assert (dirs["grid"] / "report" / f"{stem}{suffix}").stat().st_size > 1000
    assert html.count("data:image/png;base64,") == 4
    # the reading is derived from the data: the heatmap names both swept keys
    assert "funding cut size" in html and "first turnover" in html
    # what it skipped, and why
    assert "Which tactics buy continuity</b>: the sweep does not vary the tactics" in html
    assert "needs a Sobol&#x27; or Morris design (this is grid)" in html
    assert "only 12 successful runs" in html or "at least 20" in html  # too few to discover
    assert "wrote " in out and "skipped" in out
    assert not list(dirs["grid"].glob(".report-*"))  # no temporary directory left


def test_tactics_sweep_report(dirs):
    html, _ = report(dirs["tactics"])
    assert "tactics" in sections(html) and "heatmap" not in sections(html)
    assert "The single tactic that raises the continuity index most is broad coalition" in html
    assert "law + broad coalition" in html
    assert "Per full-time person a year (12 staff-months), the single tactic that buys most" in html


def test_report_on_a_run_directory(dirs):
    html, _ = report(dirs["run"])
    assert sections(html) == ["overview", "trajectories", "contributions", "network"]
    assert "One run has no uncertainty band" in html
    assert "the turnover of 2018-12" in html
    mask = os.umask(0)
    os.umask(mask)
    # readable by colleagues and web servers: 0755 under the usual umask 022, never mkdtemp's 0700
    assert stat.S_IMODE((dirs["run"] / "report").stat().st_mode) == 0o777 & ~mask


def test_report_again_replaces_the_old_one(dirs):
    if not (dirs["run"] / "report").is_dir():  # another worker made the first report
        report(dirs["run"])
    (dirs["run"] / "report" / "stale.txt").write_text("old")
    report(dirs["run"], "value=momentum_final")
    assert not (dirs["run"] / "report" / "stale.txt").exists()
    assert (
        "metric compared: <code>momentum_final</code>"
        in (dirs["run"] / "report" / "index.html").read_text()
    )


def test_outcome_rule_drives_discovery(dirs):
    # the baseline and the law alone stay below 0.9, runs with a broad coalition above it
    html, _ = report(dirs["tactics"], "outcome=continuity_index<0.9")
    assert "discovery" in sections(html)
    assert "continuity index below 0.9" in html


def test_directory_without_results(tmp_path):
    (tmp_path / "empty").mkdir()
    done = continuity("report", str(tmp_path / "empty"), cwd=tmp_path)
    assert done.returncode == 2
    assert "no results here" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "empty" / "report").exists()
    done = continuity("report", str(tmp_path / "missing"), cwd=tmp_path)
    assert done.returncode == 2 and "no such directory" in done.stderr


def test_bad_options_are_refused_before_any_work(dirs):
    done = continuity("report", str(dirs["grid"]), "value=nope", "colour=red", cwd=dirs["tmp"])
    assert done.returncode == 2
    assert "value: 'nope' is not a numeric metric" in done.stderr
    assert "colour: unknown option" in done.stderr
    done = continuity("report", str(dirs["grid"]), "outcome=banana<1", cwd=dirs["tmp"])
    assert done.returncode == 2 and "outcome:" in done.stderr and "Traceback" not in done.stderr


def test_help(tmp_path):
    done = continuity("report", "--help", cwd=tmp_path)
    assert done.returncode == 0 and "outcome=RULE" in done.stdout
    assert "report DIR" in continuity("--help", cwd=tmp_path).stdout


def test_sweep_directory_without_tables(tmp_path):
    sweep_dir = tmp_path / "half"
    (sweep_dir / "chunks").mkdir(parents=True)
    (sweep_dir / "sweep.json").write_text('{"design": {"parameters": {}}}')
    done = continuity("report", str(sweep_dir), cwd=tmp_path)
    assert done.returncode == 2 and "no run has finished yet" in done.stderr
    (sweep_dir / "chunks" / "000-0000.done").write_text("{}")
    done = continuity("report", str(sweep_dir), cwd=tmp_path)
    assert done.returncode == 2 and f"continuity collect {sweep_dir}" in done.stderr


@pytest.mark.slow
def test_sobol_sweep_report(tmp_path):
    """A small Sobol' sweep (8 x (9 + 2) points, one seed) gets sensitivity indices."""
    out = tmp_path / "sobol"
    made(
        "sweep",
        "experiment=sensitivity",
        "design.samples=8",
        "design.replications=1",
        f"hydra.sweep.dir={out}",
        cwd=tmp_path,
    )
    html, _ = report(out, "outcome=continuity_index<0.95")
    assert "sensitivity" in sections(html) and "discovery" in sections(html)
    assert "heatmap" not in sections(html)
    assert "this sobol design samples continuous values" in html
    table = pd.read_csv(out / "report" / "sensitivity.csv")
    assert set(table["index"]) == {"S1", "ST"} and len(table) == 18
