"""Cases as folders: ``case=NAME``, ``continuity case new|check``, a case outside the repository.

A case folder holds its own scenario, shocks, network, patterns and cited data (docs/cases.md);
``case check`` reports every problem of a bad one in one line each, exit 2, before any run.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from cli_runner import CONTINUITY

from experiments.case_tool import check_case, main, new_case
from sim.paths import USER_ENV


@pytest.fixture(autouse=True)
def _no_user_dir():
    os.environ.pop(USER_ENV, None)
    yield
    os.environ.pop(USER_ENV, None)


def _fill(folder: Path) -> Path:
    """The template with every TODO replaced by (made-up) text: a structurally ready case."""
    for path in folder.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            path.write_text(re.sub(r"TODO:? ?", "", text), encoding="utf-8")
    return folder


@pytest.fixture
def ready_case(tmp_path) -> Path:
    return _fill(new_case("atlantis", tmp_path))


def test_the_template_lists_every_todo_and_passes_once_they_are_filled(tmp_path, capsys):
    folder = new_case("atlantis", tmp_path)
    assert main(["check", str(folder)]) == 2
    err = capsys.readouterr().err
    for name in ("actors.csv", "ties.csv", "scenario/atlantis.yaml", "patterns/atlantis.yaml"):
        assert name in err and "TODO left" in err
    _fill(folder)
    assert main(["check", str(folder)]) == 0
    assert "case atlantis: ready" in capsys.readouterr().out


def test_new_refuses_a_bad_name_or_an_existing_folder(tmp_path, capsys):
    assert main(["new", "Bad-Name", "--dir", str(tmp_path)]) == 2
    assert "NAME: 'Bad-Name' is not a case name" in capsys.readouterr().err
    new_case("atlantis", tmp_path)
    assert main(["new", "atlantis", "--dir", str(tmp_path)]) == 2
    assert "exists already" in capsys.readouterr().err


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "ties.csv",
            'senate,example_coalition,0.4,"hearings (source)"',
            'senate,ghost_actor,0.4,"hearings (source)"',
            "ghost_actor",
        ),
        ("ties.csv", '"hearings (source)"', '""', "empty citation (every tie needs one)"),
        ("actors.csv", '"(source); as in Mexico"', '""', "empty source (every actor needs one)"),
        ("ties.csv", "0.4,", "1.5,", "weight '1.5' (allowed: (0, 1])"),
        (
            "shocks/atlantis.yaml",
            'dates: ["2022-03", "2026-03"]',
            'dates: ["2026-03", "2022-03"]',
            "must be strictly increasing dates",
        ),
        (
            "scenario/atlantis.yaml",
            'strategy_launch: "2020-06"',
            'strategy_launch: "2020-13"',
            "scenario.strategy_launch",
        ),
        ("scenario/atlantis.yaml", "federal_dependence: 0.2", "federal_dependence: 1.7", "1.7"),
        ("shocks/atlantis.yaml", "size: 0.0", "size: -0.5", "shocks.funding_cut.size"),
        (
            "scenario/atlantis.yaml",
            "  - node: example_coalition",
            "  - node: no_such_coalition",
            "scenario.coalitions[0].node: 'no_such_coalition'",
        ),
        (
            "network/atlantis.yaml",
            "hubs: [example_university, example_coalition]",
            "hubs: [example_university, nobody]",
            "network.hubs: 'nobody'",
        ),
        ("patterns/atlantis.yaml", "threshold: 0.5", "threshold: half", "threshold: 'half'"),
        (
            "patterns/atlantis.yaml",
            "observed: survives",
            "observed: thrives",
            "observed: 'thrives'",
        ),
        (
            "shocks/atlantis.yaml",
            "state_north:",
            "state_east:",
            "state_calendar.state_east: not a state",
        ),
    ],
)
def test_a_bad_case_gets_one_plain_line_naming_the_problem(
    ready_case, capsys, file, old, new, message
):
    _edit(ready_case / file, old, new)
    assert main(["check", str(ready_case)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_a_case_may_not_set_behavioural_parameters(ready_case):
    (ready_case / "params").mkdir()
    (ready_case / "params" / "atlantis.yaml").write_text("turnover:\n  inheritance: 0.9\n")
    problems = check_case(str(ready_case))
    assert any("may not set params" in p for p in problems)


def test_a_missing_group_file_is_named(ready_case):
    (ready_case / "shocks" / "atlantis.yaml").unlink()
    assert check_case(str(ready_case)) == [
        f"{ready_case}/shocks/atlantis.yaml: missing (a case needs shocks)"
    ]


@pytest.mark.parametrize("case", ["mexico", "chile", "colombia", "argentina", "brazil"])
def test_every_shipped_case_passes_its_check(case):
    assert check_case(case) == []


@pytest.mark.parametrize("case", ["chile", "colombia", "argentina", "brazil"])
def test_a_case_run_is_deterministic_and_differs_from_mexico(case):
    import sim

    first = sim.simulate([f"case={case}"], seed=3)
    again = sim.simulate([f"case={case}"], seed=3)
    assert first.timeseries.equals(again.timeseries)
    assert first.summary == again.summary
    assert first.summary["scenario"] == case
    mexico = sim.simulate([], seed=3)
    assert mexico.summary["turnovers"] != first.summary["turnovers"]


def test_a_case_outside_the_repository_runs_and_validates_end_to_end(ready_case, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA_", "CONTINUITY_"))}
    env["MPLBACKEND"] = "Agg"

    def continuity(*args):
        return subprocess.run(
            [CONTINUITY, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
        )

    done = continuity("case", "check", str(ready_case))
    assert done.returncode == 0, done.stderr
    ran = continuity("run", "--config-dir", str(ready_case), "case=atlantis", "hydra.run.dir=out")
    assert ran.returncode == 0, ran.stderr
    assert "scenario atlantis" in ran.stdout
    assert (tmp_path / "out" / "timeseries.parquet").is_file()
    checked = continuity(
        "validate", "--config-dir", str(ready_case), "case=atlantis", "seeds=2", "out=v"
    )
    assert checked.returncode in (0, 1), checked.stderr
    assert "case atlantis" in checked.stdout and "federal strategy" in checked.stdout
    unknown = continuity("run", "case=atlantis")
    assert unknown.returncode == 2 and "case: no option 'atlantis'" in unknown.stderr


def test_every_document_the_project_points_to_is_in_the_project():
    """Users have the project and public sources only: a ``.md`` a file names must ship with it.

    Output files a command is told to write (``out=FILE.md``) are not references.
    """
    root = Path(__file__).resolve().parents[1]
    shipped = {p.name for p in root.rglob("*.md") if not {".venv", "build"} & set(p.parts)}
    named = re.compile(r"(?<![\w/.=-])((?:\.\./)+[\w./-]*\w\.md|[\w./-]*\w\.md)\b")
    missing = []
    for folder in ("conf", "docs", "sim", "experiments", "analysis"):
        for path in (root / folder).rglob("*"):
            if path.suffix not in (".md", ".yaml", ".csv", ".py", ".ipynb"):
                continue
            for name in named.findall(path.read_text(encoding="utf-8", errors="ignore")):
                outside = name.startswith("../") and not (path.parent / name).exists()
                if outside or Path(name).name not in shipped:
                    missing.append(f"{path.relative_to(root)}: {name}")
    assert missing == []


def test_invalid_yaml_is_one_line_and_every_other_problem_comes_with_it(ready_case, capsys):
    (ready_case / "params").mkdir()
    _edit(ready_case / "scenario" / "atlantis.yaml", "name: atlantis\n", "name: [atlantis\n")
    _edit(ready_case / "ties.csv", '"hearings (source)"', '""')
    assert main(["check", str(ready_case)]) == 2
    err = capsys.readouterr().err
    assert "scenario/atlantis.yaml: not valid YAML at line" in err
    assert "may not set params" in err and "empty citation" in err
    assert "Traceback" not in err
    assert err.count("empty citation") == 1


def test_a_new_case_named_like_a_shipped_one_is_told_which_runs(tmp_path, capsys):
    assert main(["new", "chile", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "a case 'chile' ships with Continuity" in out and "--config-dir" in out


@pytest.mark.slow
def test_a_sweep_of_a_case_runs_the_case(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA_", "CONTINUITY_"))}
    env["MPLBACKEND"] = "Agg"
    done = subprocess.run(
        [CONTINUITY, "sweep", "case=argentina", "experiment=replications"]
        + ["design.replications=2", "hydra.sweep.dir=sw"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    import pandas as pd

    runs = pd.read_parquet(tmp_path / "sw" / "runs.parquet")
    assert list(runs["scenario"]) == ["argentina", "argentina"]
