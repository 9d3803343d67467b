"""The package as users install it: the wheel carries conf/ and the data, and runs from anywhere.

The slow test builds the wheel, installs it (not editable) into a fresh virtual environment with
the pinned runtime dependencies (``requirements.lock``; pip's cache or PyPI) and runs
``continuity run`` and ``sim.simulate()`` from a directory outside the repository.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA_", "CONTINUITY_"))}
    env.pop("PYTHONPATH", None)
    env["MPLBACKEND"] = "Agg"
    return env


def test_the_listed_packages_are_every_package_on_disk():
    """pyproject lists the packages (conf/ is mapped); a new subpackage must be listed too."""
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for top in ("sim", "experiments", "analysis")
        for p in (ROOT / top).rglob("__init__.py")
    }
    assert listed == on_disk | {"continuity_conf"}


def test_the_config_directory_is_found_through_the_package():
    from importlib import resources

    from sim.paths import packaged_conf_dir

    assert packaged_conf_dir() == Path(str(resources.files("continuity_conf")))
    assert (packaged_conf_dir() / "config.yaml").is_file()


@pytest.mark.slow
def test_the_wheel_installs_and_runs_from_any_directory(tmp_path):
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=600,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = dist.glob("continuity-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for member in (
        "continuity_conf/config.yaml",
        "continuity_conf/experiment/tactics.yaml",
        "continuity_conf/hydra/launcher/slurm.yaml",
        "sim/data/mexico/actors.csv",
        "continuity_conf/cases/chile/actors.csv",
        "continuity_conf/cases/argentina/patterns/argentina.yaml",
        "continuity_conf/cases/colombia/README.md",
    ):
        assert member in names, f"{member} is not in the wheel"
    assert any(n.endswith("licenses/LICENSE") for n in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    install = subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        + ["-c", str(ROOT / "requirements.lock"), str(wheel)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=1200,
    )
    assert install.returncode == 0, install.stderr[-3000:]

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run(
        [str(venv / "bin" / "continuity"), "run", "hydra.run.dir=out"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=600,
    )
    assert run.returncode == 0, run.stderr + run.stdout
    assert (elsewhere / "out" / "timeseries.parquet").is_file()
    chile = subprocess.run(
        [str(venv / "bin" / "continuity"), "run", "case=chile", "hydra.run.dir=chile"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=600,
    )
    assert chile.returncode == 0 and "scenario chile" in chile.stdout, chile.stderr
    assert (elsewhere / "out" / "summary.json").is_file()

    code = (
        "import sim, pathlib, sys; r = sim.simulate(seed=7); "
        "assert str(pathlib.Path(sim.__file__)).startswith(sys.prefix), sim.__file__; "
        "print(len(r.timeseries), r.summary['continuity_index'])"
    )
    api = subprocess.run(
        [str(py), "-c", code], cwd=elsewhere, capture_output=True, text=True, env=_env()
    )
    assert api.returncode == 0, api.stderr
    months, _ = api.stdout.split()
    assert int(months) == 14 * 12  # 2017-01..2030-12

    version = subprocess.run(
        [str(venv / "bin" / "continuity"), "--version"], capture_output=True, text=True
    )
    assert version.returncode == 0 and version.stdout.startswith("continuity 0.")


def test_make_help_lists_every_target():
    import re
    import shutil

    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    text = (ROOT / "Makefile").read_text()
    phony = re.search(r"^\.PHONY:(.*?)(?<!\\)$", text, re.M | re.S).group(1)
    targets = set(phony.replace("\\", " ").split()) - {"help"}
    shown = subprocess.run([make, "-s", "help"], cwd=ROOT, capture_output=True, text=True).stdout
    listed = set(re.findall(r"^make ([\w-]+)", shown, re.M))
    assert targets <= listed, f"make help does not list {sorted(targets - listed)}"
