"""``continuity``: the command line. Subcommands dispatch to thin entry points."""

from __future__ import annotations

import sys

USAGE = """usage: continuity COMMAND [hydra overrides]

Commands:
  run       one run of a scenario (default: Mexico 2017-01..2030-12) into Hydra's run directory
            e.g.  continuity run seed=7 shocks.funding_cut.size=0.8
                  continuity run network=synthetic network.n_agents=10000
                  continuity run hydra.run.dir=out/mexico
  run --help  every config group and key with its default
  validate  the Mexico scenario over many seeds: share of seeds in which each pattern of docs/validation.md
            holds, counterfactuals against the baseline; exit 1 if a pattern holds in < 80 %
            e.g.  continuity validate                      (50 seeds, all counterfactuals)
                  continuity validate seeds=10 jobs=2 out=out/validate
                  continuity validate counterfactuals=[no_coalition,deep_cut]
  validate --help  its arguments
  sweep     a designed experiment (grid, LHS, Sobol, Morris x seeds) through Hydra's launchers,
            resumable; writes DIR/runs.parquet and DIR/timeseries.parquet
            e.g.  continuity sweep experiment=turnover_x_cut
                  continuity sweep experiment=tactics design.replications=5 hydra/launcher=joblib
  sweep --help  designs, keys, launchers
  collect DIR  rebuild a sweep's tables from its finished runs
  report DIR   figures and a plain-language HTML report of a run or sweep directory
            e.g.  continuity report sweeps/tactics      (writes sweeps/tactics/report/index.html)
  report --help  its options
  app       the teaching dashboard in the browser: each tab its own model, sliders, presets, play
            e.g.  continuity app --port 8765          (then open http://127.0.0.1:8765/)
  app --help  its options

Configuration lives in conf/ (see docs/ODD.md and README.md).
"""


def _fail(command: str, problems: list[str]) -> int:
    print(f"continuity {command}: invalid input", file=sys.stderr)
    for p in problems:
        print(f"  - {p}", file=sys.stderr)
    return 2


def _resolved_run_dir(args: list[str]) -> list[str]:
    """``hydra.run.dir=...`` with its ``${now:...}`` / ``${oc.env:...}`` resolved once, here."""
    out = []
    for a in args:
        if a.lstrip("+").startswith("hydra.run.dir=") and "${" in a:
            from experiments.hydra_checks import resolve_dir

            key, value = a.split("=", 1)
            a = f"{key}={resolve_dir('hydra.run.dir', value)}"
        out.append(a)
    return out


def _run_dir_problem(args: list[str]) -> str | None:
    """Why ``hydra.run.dir=DIR`` cannot be created, if it cannot (it is created here if not)."""
    from pathlib import Path

    values = [a.split("=", 1)[1] for a in args if a.lstrip("+").startswith("hydra.run.dir=")]
    if not values:
        return None
    value = values[-1]
    if not value.strip():
        return "hydra.run.dir: empty; give a directory"
    try:
        Path(value).expanduser().mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return f"hydra.run.dir: cannot create {value!r} ({reason}); give a writable directory"
    return None


def run_command(args: list[str]) -> int:
    """``continuity run``: validate everything first, then hand over to Hydra."""
    hydra_flags = {"--help", "-h", "--hydra-help", "--cfg", "-c", "--info", "--resolve"}
    if "--resolve" in args and not {"--cfg", "-c", "--help", "-h"}.intersection(args):
        return _fail(
            "run",
            [
                "--resolve: only shows a resolved config with --cfg (e.g. continuity run --cfg job "
                "--resolve seed=3); drop it to run"
            ],
        )
    try:
        args = _resolved_run_dir(args)
    except Exception as exc:  # an InputError (imported lazily to keep --help fast)
        if not hasattr(exc, "problems"):
            raise
        return _fail("run", exc.problems)
    if not hydra_flags.intersection(args):
        from sim.api import load_config  # imported here: --help needs neither it nor numpy
        from sim.errors import InputError

        if any(a in ("-m", "--multirun") for a in args):
            return _fail(
                "run", ["--multirun is not supported by 'run'; sweeps come with 'continuity sweep'"]
            )
        if any(a.lstrip("+").startswith("experiment=") for a in args):
            return _fail(
                "run", ["experiment: experiments are swept with 'continuity sweep experiment=NAME'"]
            )
        try:
            load_config(args)
        except InputError as exc:
            return _fail("run", exc.problems)
        problem = _run_dir_problem(args)
        if problem:
            return _fail("run", [problem])
    from experiments.run import main as hydra_main

    sys.argv = ["continuity run", *args]
    hydra_main()
    return 0


def validate_command(args: list[str]) -> int:
    """``continuity validate``: check every argument, run all seeds, print and write the tables."""
    from experiments import validate
    from sim.errors import InputError

    if {"--help", "-h"}.intersection(args):
        print(validate.USAGE)
        return 0
    try:
        result = validate.run_validation(validate.parse_args(args))
    except InputError as exc:
        return _fail("validate", exc.problems)
    print(validate.format_text(result))
    return result.exit_code


def sweep_command(args: list[str]) -> int:
    """``continuity sweep``: plan and validate every run, launch through Hydra, collect."""
    from experiments import sweep
    from sim.errors import InputError

    if {"--help", "-h"}.intersection(args):
        print(sweep.usage())
        return 0
    try:
        return sweep.run_sweep(args)
    except InputError as exc:
        return _fail("sweep", exc.problems)


def collect_command(args: list[str]) -> int:
    """``continuity collect DIR``: rebuild runs.parquet and timeseries.parquet."""
    from experiments import sweep
    from sim.errors import InputError

    try:
        return sweep.collect_command(args)
    except InputError as exc:
        return _fail("collect", exc.problems)


def report_command(args: list[str]) -> int:
    """``continuity report DIR``: figures and an HTML report from a run or sweep directory."""
    from experiments import report
    from sim.errors import InputError

    if {"--help", "-h"}.intersection(args):
        print(report.USAGE)
        return 0
    try:
        return report.main(args)
    except InputError as exc:
        return _fail("report", exc.problems)


def app_command(args: list[str]) -> int:
    """``continuity app``: serve the teaching dashboard on localhost."""
    from experiments import app

    return app.main(args)


COMMANDS = {
    "run": run_command,
    "validate": validate_command,
    "sweep": sweep_command,
    "collect": collect_command,
    "report": report_command,
    "app": app_command,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``continuity`` console command."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        print(
            f"continuity: unknown command {command!r}; choose one of {', '.join(COMMANDS)}",
            file=sys.stderr,
        )
        return 2
    from experiments.interrupts import guarded

    return guarded(command, COMMANDS[command], rest)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
