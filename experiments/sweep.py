"""``continuity sweep experiment=NAME [overrides]``: plan, launch through Hydra, show progress, collect.

1. Plan (:mod:`experiments.sweep_plan`): compose, generate the design, validate every point and
   derive every seed; any problem is reported before any run, exit code 2.
2. The sweep directory is ``hydra.sweep.dir`` (default ``sweeps/NAME``). If it already holds this
   sweep, the finished runs are kept and only the others run (resume); if it holds another sweep,
   stop with a clear message. The command holds an exclusive lock on ``DIR/.lock`` while it
   runs (released by the system if it dies), so a second sweep in the same directory is refused.
3. The remaining runs are split into chunks of about 20 s of work and launched as one Hydra
   multirun of :mod:`experiments.sweep_job` (one job per chunk) with the launcher the user chose
   (``hydra/launcher=joblib``, ``submitit_local``, ``submitit_slurm`` or ``slurm``). A progress
   bar shows runs done, runs/s and time left. On SLURM (:mod:`experiments.sweep_slurm`), Ctrl-C
   cancels the job array, and a resume is refused while the sweep's earlier tasks still run.
4. Collect (:mod:`experiments.results_store`): ``runs.parquet`` and ``timeseries.parquet``.
   Failed runs are listed and make the exit code 1.
"""

from __future__ import annotations

import errno
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments import sweep_slurm
from experiments.hydra_checks import resolve_dir
from experiments.results_store import collect, finished_chunks, finished_runs
from experiments.sweep_plan import Plan, make_plan
from sim.api import CONF_DIR, atomic_write
from sim.errors import ConfigError, InputError
from sim.faults import fault
from sim.paths import group_options, hydra_argv

TARGET_JOB_S = 20.0
"""Aim for this much simulation work per Hydra job (Hydra's own cost is 0.1-1.3 s per job here,
writing a chunk about 0.2 s more)."""
MIN_CHUNKS = 4
"""Split sweeps into at least this many jobs (parallel launchers need several)..."""
MIN_JOB_S = 1.0
"""... unless a job would then hold less than this much work (fast runs, small sweeps)."""

USAGE = """usage: continuity sweep experiment=NAME [config overrides] [hydra overrides]

Runs every design point of conf/experiment/NAME.yaml x its seed replications, in chunks of
about 20 s of work per Hydra job, into Hydra's sweep directory (default sweeps/NAME), then
collects DIR/runs.parquet (one row per run) and DIR/timeseries.parquet (long format).
Re-running the same command resumes: finished runs are kept, the others are run.

Experiments: {experiments}
Design keys (all overridable): design.kind=grid|lhs|sobol|morris, design.parameters.KEY=[...],
  design.samples=N, design.replications=R, design.seed=S, design.paired=true|false
Sweep keys: sweep.chunk_size=auto|N, sweep.timeseries=true|false, sweep.retry_failed=true|false
Examples:
  continuity sweep experiment=turnover_x_cut
  continuity sweep experiment=tactics design.replications=5 hydra/launcher=joblib
  continuity sweep experiment=sensitivity design.samples=32 hydra.sweep.dir=out/sens
  continuity sweep experiment=tactics hydra/launcher=slurm hydra.launcher.partition=cpu
  continuity collect sweeps/tactics        (rebuild the tables from what has finished)
Launchers: basic (default, one process), joblib (local cores; hydra.launcher.n_jobs=2),
  submitit_local, submitit_slurm / slurm (a cluster; conf/hydra/launcher/slurm.yaml).
Guide: docs/sweeps.md.
"""


def usage() -> str:
    """The help text, with the experiments found in ``conf/experiment/`` (and ``--config-dir``)."""
    names = group_options("experiment")
    return USAGE.format(experiments=", ".join(names))


@dataclass
class Arguments:
    """The command line split into its parts."""

    experiment: str
    overrides: list[str]
    hydra_overrides: list[str]
    sweep_dir: Path


def _is_hydra(override: str) -> bool:
    key = override.lstrip("+~")
    return key.startswith(("hydra.", "hydra/"))


def parse_args(args: list[str]) -> Arguments:
    """Split the command line; every problem raises :class:`InputError`."""
    experiment = None
    overrides, hydra_overrides, sweep_dir = [], [], None
    problems = []
    for a in args:
        if a.startswith("-"):
            problems.append(f"{a}: unknown option (see continuity sweep --help)")
        elif a.lstrip("+").startswith("experiment="):
            experiment = a.split("=", 1)[1]
        elif a.startswith("hydra.sweep.dir="):
            sweep_dir = a.split("=", 1)[1]
            try:
                sweep_dir = resolve_dir("hydra.sweep.dir", sweep_dir)
            except InputError as exc:
                problems += exc.problems
                sweep_dir = None
        elif _is_hydra(a):
            hydra_overrides.append(a)
        else:
            overrides.append(a)
    names = group_options("experiment")
    if experiment is None:
        from sim.errors import did_you_mean

        typos = [o for o in overrides if did_you_mean(o.split("=", 1)[0], ["experiment"])]
        typo = f" ({typos[0].split('=', 1)[0]!r} is not a key)" if typos else ""
        problems.append(
            f"experiment: missing{typo}; choose one of {', '.join(names)} (experiment=NAME)"
        )
    elif experiment not in names:
        problems.append(f"experiment: no experiment {experiment!r}; available: {', '.join(names)}")
    if sweep_dir is not None and not sweep_dir.strip():
        problems.append("hydra.sweep.dir: empty; give a directory")
    if problems:
        raise InputError(problems)
    return Arguments(
        experiment,
        overrides,
        hydra_overrides,
        Path(sweep_dir or f"sweeps/{experiment}").expanduser().resolve(),
    )


def check_launcher(arguments: Arguments) -> tuple[str, int, dict[str, Any]]:
    """Compose the job app with the Hydra overrides; return the launcher's name, workers, settings.

    Workers: 1 for the basic launcher, ``n_jobs`` for joblib (-1 = every core), the array
    parallelism for submitit launchers.

    Raises:
        ConfigError: An unknown launcher or Hydra key, before any run.
    """
    from hydra import compose
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from experiments.hydra_checks import launcher_problems, subdir_problem
    from sim.api import HYDRA_LOCK, _hydra_message
    from sim.paths import initialize

    fixed = [f"sweep_dir={arguments.sweep_dir}", "attempt=0", "chunk=0"]
    try:
        with HYDRA_LOCK, initialize() as search:
            cfg = compose(
                "sweep_job",
                overrides=fixed + arguments.hydra_overrides + search,
                return_hydra_config=True,
            )
    except (HydraException, OmegaConfBaseException, ValueError) as exc:
        raise ConfigError(_hydra_message(exc)) from None
    launcher = cfg.hydra.launcher
    problems = launcher_problems(launcher, os.cpu_count() or 1)
    subdir = subdir_problem(str(cfg.hydra.sweep._get_node("subdir")._value()))
    if problems or subdir:
        raise ConfigError(problems + ([subdir] if subdir else []))
    workers = 1
    if "n_jobs" in launcher:
        n = int(launcher.n_jobs)
        workers = n if n > 0 else max(1, (os.cpu_count() or 1) + 1 + n)
    elif "array_parallelism" in launcher:
        workers = int(launcher.array_parallelism)
    from omegaconf import OmegaConf

    name = str(cfg.hydra.runtime.choices.get("hydra/launcher", "basic"))
    return name, workers, OmegaConf.to_container(launcher, resolve=True)


class Standby:
    """The launcher process, started before planning so that its start-up overlaps the plan.

    It imports the job's code and, with the joblib launcher, starts the workers, which import
    it too (:mod:`experiments.launch_jobs`); :meth:`go` then hands it the Hydra command line.
    Its output until then goes to a file of a private directory, copied to the top of the
    launch's log. :meth:`cancel` (no launch: bad input, nothing left to run, an interrupt)
    ends it having done nothing; so does the end of this process.
    """

    def __init__(self, launcher: str, workers: int, settings: dict[str, Any]):
        import tempfile

        from experiments.launch_jobs import EARLY_LOG

        self.dir = Path(tempfile.mkdtemp(prefix="continuity-launch-"))
        spec = {
            "model": launcher == "basic",
            "joblib": settings if launcher == "joblib" else None,
            "workers": workers,
            "parent": os.getpid(),
            "dir": str(self.dir),
        }
        with open(self.dir / EARLY_LOG, "wb") as early:
            self.child: subprocess.Popen | None = subprocess.Popen(
                [sys.executable, "-m", "experiments.launch_jobs", "--standby", json.dumps(spec)],
                stdin=subprocess.DEVNULL,
                stdout=early,
                stderr=subprocess.STDOUT,
                env={**os.environ, "CONTINUITY_CONF": str(CONF_DIR)},
            )

    def _say(self, message: dict[str, Any]) -> None:
        from experiments.launch_jobs import GO

        tmp = self.dir / f".{GO}"
        try:
            tmp.write_text(json.dumps(message))
            os.replace(tmp, self.dir / GO)
        except OSError:
            pass  # the directory is gone: the process has ended

    def go(self, argv: list[str], log: Path, sweep_dir: Path) -> subprocess.Popen | None:
        """Start the Hydra multirun ``argv``, its output appended to ``log``; return the process.

        None if the process has ended meanwhile (its output is copied to ``log``).
        """
        from experiments.launch_jobs import EARLY_LOG

        child, self.child = self.child, None
        assert child is not None
        if child.poll() is None:
            self._say({"argv": argv, "log": str(log), "sweep_dir": str(sweep_dir)})
            return child
        early = self.dir / EARLY_LOG
        with open(log, "ab") as out:
            out.write(early.read_bytes() if early.exists() else b"")
        shutil.rmtree(self.dir, ignore_errors=True)
        return None

    def cancel(self) -> None:
        """End the process without launching anything (it stops its workers and exits)."""
        child, self.child = self.child, None
        if child is None:
            return
        if child.poll() is None:
            self._say({})
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


POLL_S = 0.1
"""How often the progress bar looks at the jobs' progress files (and whether they have ended)."""
LOCK_NAME = ".lock"
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
NO_SPACE_TEXT = ("No space left on device", "Disk quota exceeded", "[Errno 28]")


def lock_directory(sweep_dir: Path) -> int | None:
    """Create the directory and lock ``DIR/.lock`` for this process; return the lock's descriptor.

    The lock is exclusive and released by the system when the process ends, even by SIGKILL, so
    a killed sweep can be resumed at once. On a filesystem without locks, go on without one.

    Raises:
        InputError: The directory cannot be created or written, or another sweep holds the lock.
    """
    import fcntl

    try:
        sweep_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(sweep_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise InputError(
            [f"hydra.sweep.dir: cannot create or write {sweep_dir}: {exc.strerror or exc}"]
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return fd  # no locking on this filesystem
        pid = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise InputError(
            [
                f"hydra.sweep.dir: another sweep is running in {sweep_dir} (pid {pid}); wait "
                "for it to end (then the same command resumes), or choose another hydra.sweep.dir="
            ]
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def prepare_directory(plan: Plan, sweep_dir: Path) -> dict[int, str]:
    """Write the plan, or check that the directory holds this very sweep; return finished runs.

    On a resume, every finished chunk is verified and the ones that fail are redone, and the
    files a killed chunk left behind are removed (:mod:`experiments.resume`); call it only while
    holding :func:`lock_directory`.
    """
    from experiments.resume import check_manifest, describe_rejected, verify_chunks

    if not check_manifest(sweep_dir, plan.to_json()):
        return {}
    rejected = verify_chunks(sweep_dir, plan.digest, len(plan.runs))
    if rejected:
        print(describe_rejected(rejected), file=sys.stderr)
    return finished_runs(sweep_dir, plan.settings["retry_failed"])


def chunk_size(plan: Plan, remaining: list[int], workers: int = 1) -> int:
    """Runs per job: ``sweep.chunk_size``, or about :data:`TARGET_JOB_S` of measured work.

    With the automatic size, the number of jobs is at least :data:`MIN_CHUNKS` and twice the
    workers (so that a worker that started late is made up for), unless a job would then hold
    less than :data:`MIN_JOB_S` of work (fast runs: each job costs Hydra 0.1-0.3 s); and, for
    up to 16 workers, a multiple of the workers, so that they finish together.
    """
    if plan.settings["chunk_size"] != "auto":
        return int(plan.settings["chunk_size"])
    from experiments.sweep_job import run_one

    manifest = plan.to_json()
    run_one(manifest, manifest["runs"][remaining[0]])  # the first loads the compiled model
    start = time.perf_counter()
    run_one(manifest, manifest["runs"][remaining[-1]])
    seconds = max(time.perf_counter() - start, 1e-3)
    n = len(remaining)
    work = n * seconds
    jobs = max(MIN_CHUNKS, 2 * workers, math.ceil(work / TARGET_JOB_S))
    jobs = min(jobs, max(workers, math.floor(work / MIN_JOB_S)))
    if workers <= 16:
        jobs = math.ceil(jobs / workers) * workers
    return max(1, math.ceil(n / min(jobs, n)))


def write_attempt(sweep_dir: Path, remaining: list[int], size: int) -> tuple[int, int]:
    """Record the chunks of a new attempt; return (attempt number, number of chunks)."""
    attempts = sweep_dir / "attempts"
    attempts.mkdir(exist_ok=True)
    number = len(list(attempts.glob("*.json"))) + 1
    chunks = [remaining[i : i + size] for i in range(0, len(remaining), size)]
    text = json.dumps({"chunks": chunks})
    atomic_write(attempts / f"{number:03d}.json", lambda p: Path(p).write_text(text))
    return number, len(chunks)


def launch(
    arguments: Arguments,
    attempt: int,
    n_chunks: int,
    done_before: int,
    total: int,
    standby: Standby | None = None,
) -> int:
    """Run the Hydra multirun of the chunks with a progress bar; return its exit code.

    With a :class:`Standby`, that process runs it; otherwise a new one.
    """
    log_dir = arguments.sweep_dir / "logs"
    log_dir.mkdir(exist_ok=True)
    log = log_dir / f"attempt-{attempt:03d}.log"
    argv = [
        *hydra_argv(),
        "--multirun",
        f"sweep_dir={arguments.sweep_dir}",
        f"attempt={attempt}",
        f"chunk=range(0,{n_chunks})",
        *arguments.hydra_overrides,
    ]
    env = {**os.environ, "CONTINUITY_CONF": str(CONF_DIR)}
    progress_dir = arguments.sweep_dir / "progress"
    prefix = f"{attempt:03d}-"
    bar = Progress(total, done_before)
    with open(log, "a") as out:  # a new file: each launch is a new attempt
        child = standby.go(argv, log, arguments.sweep_dir) if standby is not None else None
        if child is None:
            command = [sys.executable, "-m", "experiments.launch_jobs", *argv]
            child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            while child.poll() is None:
                time.sleep(POLL_S)
                bar.update(done_before + _progress(progress_dir, prefix) - bar.n)
        except KeyboardInterrupt:
            child.terminate()
            try:
                child.wait(30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            bar.close()
            raise
    bar.update(done_before + _progress(progress_dir, prefix) - bar.n)
    bar.close()
    return child.returncode


class Progress:
    """A progress bar on a terminal (tqdm: runs, runs/s, time left), else a line every 30 s."""

    def __init__(self, total: int, done: int):
        self.total, self.n, self.start_n = total, done, done
        self.start = self.last = time.monotonic()
        self.bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=done, unit="run", desc="sweep", file=sys.stderr)

    def update(self, delta: int) -> None:
        """Advance by ``delta`` runs."""
        self.n += delta
        if self.bar is not None:
            self.bar.update(delta)
        elif time.monotonic() - self.last >= 30:
            self.last = time.monotonic()
            rate = (self.n - self.start_n) / max(self.last - self.start, 1e-9)
            left = (self.total - self.n) / rate if rate > 0 else float("nan")
            print(
                f"sweep: {self.n}/{self.total} runs, {rate:.1f} runs/s, about {left:.0f} s left",
                file=sys.stderr,
                flush=True,
            )

    def close(self) -> None:
        """Finish the bar."""
        if self.bar is not None:
            self.bar.close()


def _progress(progress_dir: Path, prefix: str) -> int:
    total = 0
    for f in progress_dir.glob(f"{prefix}*"):
        try:
            total += int(f.read_text() or 0)
        except (OSError, ValueError):
            pass
    return total


def _log_says_no_space(sweep_dir: Path) -> bool:
    logs = sorted((sweep_dir / "logs").glob("attempt-*.log"))
    try:
        text = logs[-1].read_text(errors="replace") if logs else ""
    except OSError:
        return False
    return any(t in text for t in NO_SPACE_TEXT)


def _no_space(sweep_dir: Path, total: int) -> str:
    try:
        kept = f"{len(finished_runs(sweep_dir))} of {total} runs finished and kept"
    except OSError:
        kept = "the finished runs are kept"
    return (
        f"continuity sweep: no space left on device writing to {sweep_dir}; {kept}. "
        "Free some space and run the same command again to resume."
    )


def _tail(path: Path, n: int = 8) -> list[str]:
    try:
        return path.read_text(errors="replace").splitlines()[-n:]
    except OSError:
        return []


def run_sweep(args: list[str]) -> int:
    """The whole command; returns the exit code (0 done, 1 failures, 2 bad input, 130 interrupt)."""
    t_start = time.perf_counter()
    arguments = parse_args(args)
    launcher, workers, settings = check_launcher(arguments)
    print(f"continuity sweep: planning {arguments.experiment} ...", file=sys.stderr)
    standby = Standby(launcher, workers, settings)
    try:
        plan = make_plan(arguments.experiment, arguments.overrides)
        fault("plan", 0)
        lock = lock_directory(arguments.sweep_dir)
        try:
            return _run_locked(arguments, plan, launcher, workers, t_start, standby)
        except OSError as exc:
            if exc.errno not in NO_SPACE:
                raise
            print(_no_space(arguments.sweep_dir, len(plan.runs)), file=sys.stderr)
            return 1
        finally:
            os.close(lock)
    finally:
        standby.cancel()


def _ran(sweep_dir: Path, attempt: int) -> int:
    """Runs finished by the chunks of this attempt (not the runs it was asked to do)."""
    prefix = f"{attempt:03d}-"
    return sum(len(c.runs) for c in finished_chunks(sweep_dir) if c.name.startswith(prefix))


def _run_locked(
    arguments: Arguments,
    plan: Plan,
    launcher: str,
    workers: int,
    t_start: float,
    standby: Standby | None = None,
) -> int:
    """:func:`run_sweep` once the directory is locked."""
    sweep_slurm.check_no_tasks_left(arguments.sweep_dir)
    finished = prepare_directory(plan, arguments.sweep_dir)
    total = len(plan.runs)
    remaining = [r[0] for r in plan.runs if r[0] not in finished]
    print(f"  {plan.design.describe()}", file=sys.stderr)
    print(f"  directory: {arguments.sweep_dir}", file=sys.stderr)
    start = time.perf_counter()
    t_plan = start - t_start
    code, attempt = 0, 0
    if not remaining:
        print(f"  all {total} runs already finished; collecting", file=sys.stderr)
    else:
        if finished:
            print(f"  resuming: {len(finished)} of {total} runs already finished", file=sys.stderr)
        size = chunk_size(plan, remaining, workers)
        attempt, n_chunks = write_attempt(arguments.sweep_dir, remaining, size)
        print(
            f"  launcher: {launcher} ({workers} worker{'s' * (workers > 1)}); {len(remaining)} runs "
            f"in {n_chunks} jobs of up to {size}",
            file=sys.stderr,
        )
        try:
            code = launch(arguments, attempt, n_chunks, total - len(remaining), total, standby)
            # the launcher alone was interrupted (SIGINT, SIGTERM): the same as Ctrl-C here
            if code in (130, -signal.SIGINT, -signal.SIGTERM):
                raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            cancelled = sweep_slurm.cancel_attempt(arguments.sweep_dir, attempt)
            now = len(finished_runs(arguments.sweep_dir))
            print(
                f"\ninterrupted: {now} of {total} runs finished and kept in {arguments.sweep_dir}"
                f";{cancelled} run the same command again to resume",
                file=sys.stderr,
            )
            return 143 if type(exc).__name__ == "Terminated" else 130
    wall = time.perf_counter() - start
    _restore_manifest(arguments.sweep_dir, plan)
    result = collect(arguments.sweep_dir)
    t_collect = time.perf_counter() - start - wall
    ran = _ran(arguments.sweep_dir, attempt) if remaining else 0
    print(format_report(result, arguments.sweep_dir, wall, ran))
    print(
        f"  time: planning {t_plan:.1f} s, runs {wall:.1f} s, collecting {t_collect:.1f} s",
        file=sys.stderr,
    )
    if code != 0:
        log = sorted((arguments.sweep_dir / "logs").glob("attempt-*.log"))[-1]
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        print(f"the launcher {how}; last lines of its log ({log}):", file=sys.stderr)
        for line in _tail(log):
            print(f"  {line}", file=sys.stderr)
        if _log_says_no_space(arguments.sweep_dir):
            print(_no_space(arguments.sweep_dir, total), file=sys.stderr)
    failed = result.failed is not None and len(result.failed) > 0
    return 1 if failed or result.missing or code != 0 else 0


def _restore_manifest(sweep_dir: Path, plan: Plan) -> None:
    """Put ``sweep.json`` back if it was deleted or damaged while the jobs ran."""
    from experiments.resume import restore_manifest

    if restore_manifest(sweep_dir, plan.to_json()):
        print(f"  {sweep_dir / 'sweep.json'} was deleted or damaged; rewritten", file=sys.stderr)


def format_report(result: Any, sweep_dir: Path, wall: float, ran: int) -> str:
    """The closing summary: counts, speed, where the tables are, and each failure."""
    runs = result.runs
    n_ok = int((runs["status"] == "ok").sum()) if len(runs) else 0
    n_failed = len(result.failed) if result.failed is not None else 0
    lines = [
        f"Sweep {sweep_dir.name}: {len(runs)} of {result.expected} runs finished "
        f"({n_ok} ok, {n_failed} failed)"
    ]
    if ran or wall > 0:
        lines.append(
            f"  this launch: {ran} runs in {wall:.1f} s ({ran / max(wall, 1e-9):.1f} runs/s)"
        )
    lines.append(f"  runs:       {sweep_dir / 'runs.parquet'} ({len(runs)} rows)")
    if result.timeseries_rows:
        lines.append(
            f"  timeseries: {sweep_dir / 'timeseries.parquet'} ({result.timeseries_rows:,} rows)"
        )
    if n_failed:
        lines.append(f"FAILED runs ({n_failed}):")
        for _, row in result.failed.head(10).iterrows():
            lines.append(
                f"  run {row['run_id']} ({row['label']}, seed {row['seed']}): {row['error']}"
            )
        if n_failed > 10:
            lines.append(f"  ... and {n_failed - 10} more (status column of runs.parquet)")
    if result.missing:
        lines.append(
            f"MISSING: {len(result.missing)} runs did not finish (run ids "
            f"{_ranges(result.missing)}); run the same command again"
        )
    return "\n".join(lines)


def _ranges(ids: list[int]) -> str:
    """``0-3, 7, 9-10``: sorted ids as ranges."""
    out: list[list[int]] = []
    for i in sorted(ids):
        if out and i == out[-1][1] + 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return ", ".join(f"{a}-{b}" if b > a else f"{a}" for a, b in out)


def collect_command(args: list[str]) -> int:
    """``continuity collect DIR``: rebuild the tables from the finished chunks of a sweep."""
    usage = "usage: continuity collect DIR   (a sweep directory holding sweep.json)"
    if args and args[0] in ("-h", "--help"):
        print(usage)
        return 0
    if len(args) != 1 or args[0].startswith("-"):
        print(usage, file=sys.stderr)
        return 2
    sweep_dir = Path(args[0]).expanduser().resolve()
    if not (sweep_dir / "sweep.json").exists():
        raise InputError([f"{args[0]}: not a sweep directory (no sweep.json)"])
    try:
        plan = json.loads((sweep_dir / "sweep.json").read_text())
    except (OSError, ValueError) as exc:
        raise InputError([f"{args[0]}/sweep.json: unreadable ({exc})"]) from None
    missing = [k for k in ("runs", "points", "design") if k not in plan]
    if missing:
        raise InputError([f"{args[0]}/sweep.json: not a sweep plan (missing {', '.join(missing)})"])
    result = collect(sweep_dir)
    print(format_report(result, sweep_dir, 0.0, 0))
    return 0
