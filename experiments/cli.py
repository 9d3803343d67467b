"""``continuity``: the command line. Subcommands dispatch to thin entry points."""

from __future__ import annotations

import sys

USAGE = """usage: continuity COMMAND [--config-dir DIR] [hydra overrides]
       continuity --version | --help

Commands:
  run       one run of a scenario (default: Mexico 2017-01..2030-12) into Hydra's run directory
            e.g.  continuity run seed=7 shocks.funding_cut.size=0.8
                  continuity run case=chile             (cases: mexico, chile, colombia, argentina)
                  continuity run network=synthetic network.n_agents=10000
                  continuity run hydra.run.dir=out/mexico
  run --help  every config group and key with its default
  validate  a case over many seeds: share of seeds in which each of its patterns (docs/validation.md)
            holds, counterfactuals against the baseline; exit 1 if a pattern holds in < 80 %
            e.g.  continuity validate                      (Mexico, 50 seeds, all counterfactuals)
                  continuity validate seeds=10 jobs=2 out=out/validate
                  continuity validate counterfactuals=[no_coalition,deep_cut]
                  continuity validate case=chile           (a comparison case: docs/cases.md)
                  continuity validate case=all seeds=20    (every case: observed outcome vs model)
  validate --help  its arguments
  sweep     a designed experiment (grid, LHS, Sobol, Morris x seeds) through Hydra's launchers,
            resumable; writes DIR/runs.parquet and DIR/timeseries.parquet
            e.g.  continuity sweep experiment=turnover_x_cut
                  continuity sweep experiment=tactics design.replications=5 hydra/launcher=joblib
  sweep --help  designs, keys, launchers
  calibrate ABC-SMC (pyabc) of a case's behavioural parameters against its patterns: a posterior
            (Parquet), diagnostics, posterior predictive checks; resumable (docs/calibration.md)
            e.g.  continuity calibrate                    (Mexico, the documented budget)
                  continuity calibrate abc.population=100 abc.out=/tmp/quick
  calibrate --help  its keys
  collect DIR  rebuild a sweep's tables from its finished runs
  report DIR   figures and a plain-language HTML report of a run or sweep directory
            e.g.  continuity report sweeps/tactics      (writes sweeps/tactics/report/index.html)
  report --help  its options
  app       the teaching dashboard in the browser: each tab its own model, sliders, presets, play
            e.g.  continuity app --port 8765          (then open http://127.0.0.1:8765/)
  app --help  its options
  case      model your own country: a template case folder, and a check before any run
            e.g.  continuity case new atlantis --dir cases
                  continuity case check cases/atlantis
                  continuity run --config-dir cases/atlantis case=atlantis
  case --help  its options

Configuration: the packaged config groups (conf/ of the repository; docs/ODD.md); add or replace
groups with your own directory: continuity run|sweep|validate --config-dir DIR ...
(docs/configuration.md). Documentation: docs/README.md.
"""

CONFIG_DIR_COMMANDS = ("run", "sweep", "validate", "app", "case", "calibrate")
"""The commands that compose configs and so take ``--config-dir DIR``."""


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
    from sim.paths import hydra_argv, hydra_search_overrides

    sys.argv = ["continuity run", *hydra_argv(), *args, *hydra_search_overrides()]
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
        options = validate.parse_args(args)
        if options.case == validate.ALL_CASES:
            from experiments.validate_cases import format_cases, validate_cases

            table = validate_cases(options)
            print(format_cases(table))
            print(f"Wrote {', '.join(str(f) for f in table.files)}")
            return table.exit_code
        result = validate.run_validation(options)
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


def case_command(args: list[str]) -> int:
    """``continuity case new|check``: write a template case folder, or check one."""
    from experiments import case_tool

    return case_tool.main(args)


def calibrate_command(args: list[str]) -> int:
    """``continuity calibrate``: ABC-SMC of a case's behavioural parameters (resumable)."""
    from experiments.abc.command import main

    return main(args)


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
    "case": case_command,
    "calibrate": calibrate_command,
}


def version() -> str:
    """The installed package's version (``continuity --version``)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("continuity")
    except PackageNotFoundError:  # pragma: no cover - a source tree without an install
        return "unknown (not installed)"


def split_config_dir(args: list[str]) -> tuple[str | None, list[str], list[str]]:
    """Take ``--config-dir DIR`` / ``--config-dir=DIR`` (also Hydra's ``-cd``) out of ``args``.

    Returns:
        The directory (the last one given, or None), the other arguments, and problems.
    """
    directory, rest, problems = None, [], []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--config-dir", "-cd"):
            if i + 1 >= len(args) or not args[i + 1].strip():
                problems.append(f"{a}: give a directory, e.g. {a} my_conf")
            else:
                directory = args[i + 1]
            i += 2
            continue
        if a.startswith("--config-dir="):
            directory = a.split("=", 1)[1]
        else:
            rest.append(a)
        i += 1
    return directory, rest, problems


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``continuity`` console command."""
    from experiments.fast_exit import freeze_heap_at_exit
    from sim.errors import InputError, did_you_mean
    from sim.paths import set_user_config_dir

    freeze_heap_at_exit()

    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print(USAGE, file=sys.stderr)
        print("continuity: give a command (see above)", file=sys.stderr)
        return 2
    if argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    if argv[0] in ("-V", "--version", "version"):
        print(f"continuity {version()}")
        return 0
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        hint = did_you_mean(command, list(COMMANDS))
        print(
            f"continuity: unknown command {command!r}{hint}; choose one of {', '.join(COMMANDS)}",
            file=sys.stderr,
        )
        return 2
    directory, rest, problems = split_config_dir(rest)
    if (directory is not None or problems) and command not in CONFIG_DIR_COMMANDS:
        return _fail(
            command,
            [f"--config-dir: only {', '.join(CONFIG_DIR_COMMANDS)} read configuration groups"],
        )
    if directory is not None and not problems:
        try:
            set_user_config_dir(directory)
        except InputError as exc:
            problems += exc.problems
    if problems:
        return _fail(command, problems)
    from experiments.interrupts import guarded

    return guarded(command, COMMANDS[command], rest)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
