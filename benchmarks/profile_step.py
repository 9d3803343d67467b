"""Where the time goes: cProfile of model steps, of a synthetic build and of a Mexico model's set-up.

    python benchmarks/profile_step.py [--agents 100000] [--steps 20] [--top 15]

Three profiles, each printed as the top functions by own time (tottime) and by cumulative time:

1. ``--steps`` steps of ``ContinuityModel`` on a synthetic network of ``--agents`` agents (mean
   degree 10), after the warm-up (every coalition founded);
2. ``ContinuityModel(cfg)`` on that network (generation and set-up);
3. ``ContinuityModel(cfg)`` for the default Mexico scenario, 50 times, and one full
   ``sim.api.run(cfg)`` 20 times.

Not part of ``run_all.py``: a diagnostic for whoever speeds the model up.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import synthetic_config, warm_up  # noqa: E402


def show(profile: cProfile.Profile, title: str, top: int) -> None:
    """Print the top functions by own time and by cumulative time."""
    for key in ("tottime", "cumulative"):
        buf = io.StringIO()
        stats = pstats.Stats(profile, stream=buf).strip_dirs().sort_stats(key)
        stats.print_stats(top)
        lines = buf.getvalue().splitlines()
        start = next(i for i, ln in enumerate(lines) if "ncalls" in ln)
        print(f"\n== {title} (by {key})")
        print("\n".join([lines[start - 3].strip(), *lines[start:]]))


def main(argv: list[str] | None = None) -> None:
    """Run the three profiles."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--agents", type=int, default=100_000)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--top", type=int, default=15)
    args = p.parse_args(argv)

    from sim.api import load_config, run
    from sim.model import ContinuityModel

    cfg = synthetic_config(args.agents)
    prof = cProfile.Profile()
    prof.enable()
    model = ContinuityModel(cfg)
    prof.disable()
    show(prof, f"ContinuityModel(cfg), synthetic, {args.agents:,} agents", args.top)

    warm_up(model)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(args.steps):
        model.step()
    prof.disable()
    show(prof, f"{args.steps} steps, synthetic, {args.agents:,} agents", args.top)

    mexico = load_config()
    run(mexico)  # warm-up: lazy imports
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(50):
        ContinuityModel(mexico)
    prof.disable()
    show(prof, "ContinuityModel(cfg) x 50, default Mexico scenario", args.top)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(20):
        run(mexico)
    prof.disable()
    show(prof, "sim.api.run(cfg) x 20, default Mexico scenario", args.top)


if __name__ == "__main__":
    main()
