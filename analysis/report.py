"""``continuity report DIR``: build ``DIR/report/`` (index.html + every figure as PNG and SVG).

The report picks the sections that fit the data it finds (see :mod:`analysis.report_sections`)
and lists the others with the reason they were skipped. It is built in a temporary directory
and moved into place at the end, so an interrupted report never leaves a half-written one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from analysis.report_html import render_html
from analysis.report_sections import BUILDERS, TITLES, Options, Section, Skip
from analysis.results import Results, load_results
from sim.api import remove_stale_temporaries
from sim.faults import fault


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@dataclass
class Report:
    """What was written."""

    directory: Path
    index: Path
    sections: list[Section]
    skipped: list[tuple[str, str]]


def build_report(
    directory: str | Path,
    options: Options | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Read the results in ``directory`` and write ``directory/report/``.

    Args:
        directory: A run directory (``continuity run``) or a sweep directory.
        options: The metric to compare and the collapse rule (defaults: continuity index, auto).
        progress: Called with one line per section as it is done.

    Returns:
        The :class:`Report`.

    Raises:
        analysis.results.ResultsError: If the directory holds no readable results.
    """
    options = options or Options()
    results = load_results(directory)
    final = results.directory / "report"
    remove_stale_temporaries(results.directory, prefixes=("report-",))
    tmp = Path(tempfile.mkdtemp(prefix=f".report-{os.getpid()}-", dir=results.directory))
    # mkdtemp makes it 0700; a report is for colleagues and web servers too (0755 by umask 022)
    os.chmod(tmp, 0o777 & ~_umask())
    try:
        sections, skipped = _build_sections(results, tmp, options, progress or (lambda s: None))
        html = render_html(results, sections, skipped, options)
        (tmp / "index.html").write_text(html, encoding="utf-8")
        _swap_into_place(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    moved = [_moved(s, tmp, final) for s in sections]
    return Report(final, final / "index.html", moved, skipped)


def _build_sections(
    results: Results, out: Path, options: Options, progress: Callable[[str], None]
) -> tuple[list[Section], list[tuple[str, str]]]:
    sections, skipped = [], []
    for key, build in BUILDERS.items():
        start = time.perf_counter()
        try:
            sections.append(build(results, out, options))
            fault("report")
            progress(f"  {TITLES[key]:<40} done ({time.perf_counter() - start:.1f} s)")
        except Skip as why:
            skipped.append((TITLES[key], str(why)))
            progress(f"  {TITLES[key]:<40} skipped: {why}")
    return sections, skipped


def _swap_into_place(tmp: Path, final: Path) -> None:
    """Replace ``final`` by ``tmp`` (the old report is removed only once the new one is ready)."""
    old = None
    if final.exists():
        old = final.with_name(f".report-old-{os.getpid()}-{time.time_ns()}")
        final.rename(old)
    tmp.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _moved(section: Section, tmp: Path, final: Path) -> Section:
    section.figures = [final / p.relative_to(tmp) for p in section.figures]
    return section
