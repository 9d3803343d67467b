"""The tutorial notebook (docs/tutorial.ipynb) runs from top to bottom and is stored clean.

The notebook is executed with nbclient in a fresh kernel, so it cannot silently rot when the
model, the CLI or the analysis change. The kernel is this interpreter (the project's venv): a
``python3`` kernelspec pointing at ``sys.executable`` is written to a temporary ``JUPYTER_PATH``,
which takes precedence over any other ``python3`` kernel on the machine.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "tutorial.ipynb"


def test_tutorial_is_stored_without_outputs():
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "the tutorial has no code cells"
    for i, cell in enumerate(code):
        assert cell.get("outputs") == [], f"code cell {i} has stored outputs"
        assert cell.get("execution_count") is None, f"code cell {i} has an execution count"
    assert nb.metadata["kernelspec"]["name"] == "python3"


def _python3_kernelspec(root: Path) -> Path:
    """Write ``ROOT/kernels/python3/kernel.json`` running this interpreter; return ROOT."""
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (continuity venv)",
                "language": "python",
            }
        )
    )
    return root


@pytest.mark.slow
def test_tutorial_executes(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")

    work, scratch = tmp_path / "work", tmp_path / "tmp"
    work.mkdir()
    scratch.mkdir()
    monkeypatch.setenv("JUPYTER_PATH", str(_python3_kernelspec(tmp_path / "jupyter")))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("TMPDIR", str(scratch))  # the notebook's tempfile.mkdtemp() lands here

    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert spec.argv[0] == sys.executable  # the kernel is this interpreter, not another python3

    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(work)}}
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError if any cell fails
    elapsed = time.perf_counter() - start
    print(f"tutorial executed in {elapsed:.1f} s")

    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.get("output_type") == "error"
    ]
    assert not errors
    if out := os.environ.get("CONTINUITY_TUTORIAL_EXECUTED"):  # to look at the outputs
        nbformat.write(nb, out)
    # everything went into the temporary folder
    outputs = list(scratch.glob("continuity-tutorial-*"))
    assert len(outputs) == 1
    assert (outputs[0] / "turnover_x_cut" / "report" / "index.html").is_file()
    assert (outputs[0] / "heatmap.png").is_file()
    assert (outputs[0] / "tactics.png").is_file()
    assert not any(work.iterdir()), "the notebook wrote into its working directory"
