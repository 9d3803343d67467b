"""``continuity app``: serve the interactive dashboard (one model per browser session).

Run ``continuity app`` (or ``python -m experiments.app``) and open the printed URL. Panel and
Bokeh serve their JavaScript from the installed packages, so it works offline.
``continuity app --class`` serves it to a room (:mod:`experiments.classroom`): on every address
of the machine, behind a short class code, with a cap on open dashboards and memory, and with
nothing personal in the output.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
import time
from typing import Any

USAGE = (
    "continuity app [--port 8765] [--address 127.0.0.1] [--no-show] [--posterior [FILE]]\n"
    "       continuity app --class [--address 0.0.0.0] [--code K7QX] [--max-sessions 15] "
    "[--max-memory-mb 1500]"
)

CLASS_MAX_SESSIONS = 15
"""Default cap on open dashboards in class mode (docs/teaching.md: what one process serves)."""

CLASS_MAX_MEMORY_MB = 1500
"""Default cap on the server's memory in class mode (MB)."""

LIMITS = {"--max-sessions": (1, 10_000), "--max-memory-mb": (200, 1_048_576)}
"""Allowed range of each numeric limit."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="continuity app",
        usage=USAGE,
        description="Serve the Continuity dashboard: pick shocks and tactics, step the Mexico "
        "model month by month and watch momentum, who carries it and the network. Every browser "
        "tab gets its own model.",
    )
    p.add_argument("--port", default="8765", help="TCP port to listen on (default: 8765)")
    p.add_argument(
        "--address",
        "--host",
        dest="address",
        default=None,
        help="address to listen on (default: 127.0.0.1, this machine only; with --class "
        "0.0.0.0, every network the machine is on)",
    )
    p.add_argument("--no-show", action="store_true", help="do not open a browser window")
    p.add_argument(
        "--posterior",
        nargs="?",
        const="",
        default=None,
        metavar="FILE",
        help="draw each seed of the baseline band from a posterior (params=posterior, "
        "docs/posterior.md): FILE, or without it the shipped Mexico posterior; the band then "
        "includes parameter uncertainty",
    )
    p.add_argument(
        "--class",
        dest="classroom",
        action="store_true",
        help="serve a class: listen on the network, print the URL and a class code to share, "
        f"cap open dashboards (default {CLASS_MAX_SESSIONS}) and memory (default "
        f"{CLASS_MAX_MEMORY_MB} MB), log no visitor's address",
    )
    p.add_argument("--code", help="the class code (3-12 letters or digits; default: a random one)")
    p.add_argument("--max-sessions", help="most dashboards open at once")
    p.add_argument("--max-memory-mb", help="open no new dashboard above this server memory (MB)")
    return p


def _port(value: str) -> int | None:
    try:
        port = int(value)
    except ValueError:
        return None
    return port if 1 <= port <= 65535 else None


def _limit(option: str, value: str | None, default: int | None) -> int | None:
    """The value of a numeric limit; raises ValueError with a one-line message if bad."""
    if value is None:
        return default
    lo, hi = LIMITS[option]
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not lo <= number <= hi:
        raise ValueError(f"{option}: bad value {value!r} (want a whole number from {lo} to {hi})")
    return number


def _address(value: str) -> str:
    if value == "localhost":
        return value
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(
            f"--address: bad value {value!r} (want an IP address such as 127.0.0.1 or "
            "0.0.0.0, or localhost)"
        ) from None
    return value


def settings(opts: argparse.Namespace) -> tuple[str, Any]:
    """The address to listen on and the class rules, from the parsed options.

    Raises:
        ValueError: A bad option value (the message names the option, the value and what is
            allowed).
    """
    from experiments.classroom import CODE_PATTERN, ClassRules, make_code

    address = _address(opts.address or ("0.0.0.0" if opts.classroom else "127.0.0.1"))
    if opts.code is not None and not CODE_PATTERN.fullmatch(opts.code):
        raise ValueError(f"--code: bad value {opts.code!r} (want 3-12 letters or digits)")
    code = opts.code.upper() if opts.code else (make_code() if opts.classroom else None)
    rules = ClassRules(
        code=code,
        max_sessions=_limit(
            "--max-sessions", opts.max_sessions, CLASS_MAX_SESSIONS if opts.classroom else None
        ),
        max_memory_mb=_limit(
            "--max-memory-mb", opts.max_memory_mb, CLASS_MAX_MEMORY_MB if opts.classroom else None
        ),
    )
    return address, rules


def _use_posterior(file: str) -> str | None:
    """Draw the baseline band from a posterior (``--posterior``); the problem if it is bad."""
    from experiments import dashboard_charts
    from sim.api import load_config
    from sim.errors import InputError

    overrides = dashboard_charts.band_overrides(file)
    try:
        load_config(list(overrides))
    except InputError as exc:
        return "; ".join(exc.problems)
    dashboard_charts.BAND_PARAMS = overrides
    return None


def main(args: list[str] | None = None) -> int:
    """Serve the dashboard until interrupted.

    Args:
        args: Command-line arguments (without the program name).

    Returns:
        The exit status: 0 after Ctrl-C, 2 for bad arguments, 1 if the server cannot start.
    """
    opts = _parser().parse_args(args)
    port = _port(opts.port)
    if port is None:
        print(f"continuity app: error: bad port {opts.port!r} (want 1-65535)", file=sys.stderr)
        return 2
    try:
        address, rules = settings(opts)
    except ValueError as exc:
        print(f"continuity app: error: {exc}", file=sys.stderr)
        return 2
    if opts.posterior is not None:
        problem = _use_posterior(opts.posterior)
        if problem:
            print(f"continuity app: error: {problem}", file=sys.stderr)
            return 2
    started = time.perf_counter()
    import panel as pn

    from experiments import classroom
    from experiments.dashboard import build_page, open_sessions, warm_up

    if opts.classroom:
        classroom.quiet_logs()
    pn.extension(inline=True)  # JS/CSS from the installed packages: no CDN needed
    pn.config.inline = True
    warm_up()  # the shared caches, once per process, before the first visitor
    local = "127.0.0.1" if address in ("0.0.0.0", "::") else address
    if opts.classroom:
        origins = ["*"]  # students reach the machine by any of its names; the code is the gate
    else:
        origins = [f"{address}:{port}", f"localhost:{port}", f"127.0.0.1:{port}"]
    page = build_page
    if rules.code or rules.max_sessions or rules.max_memory_mb:
        page = classroom.gated(build_page, rules, open_sessions)
    try:
        server = pn.serve(
            {"/": page},
            port=port,
            address=address,
            show=False,
            start=False,
            title="Continuity",
            websocket_origin=origins,
            # Bokeh's names (Panel passes them on): a closed tab's session, its model and
            # charts are discarded about 5-7 s after it closed (the defaults are 15-32 s)
            check_unused_sessions_milliseconds=2000,
            unused_session_lifetime_milliseconds=5000,
        )
        server.start()
    except OSError as exc:
        print(f"continuity app: error: cannot listen on {address}:{port}: {exc}", file=sys.stderr)
        return 1
    query = f"?code={rules.code}" if rules.code else ""
    seconds = time.perf_counter() - started
    if opts.classroom:
        host = classroom.lan_address() if address in ("0.0.0.0", "::") else address
        print(
            f"Continuity dashboard ready for a class ({seconds:.1f} s).\n"
            f"  Share this link:        http://{host}:{port}/{query}\n"
            f"  or write on the board:  http://{host}:{port}   class code {rules.code}\n"
            f"  Limits: {rules.max_sessions} dashboards open at once, "
            f"{rules.max_memory_mb} MB of server memory. Ctrl-C stops the server.",
            flush=True,
        )
    else:
        print(
            f"Continuity dashboard ready at http://{local}:{port}/{query} ({seconds:.1f} s)",
            flush=True,
        )
    if opts.posterior is not None:
        from sim.posterior import shown_file

        print(
            f"  Baseline band: each seed draws its parameters from {shown_file(opts.posterior)}",
            flush=True,
        )
    if not opts.no_show:
        server.io_loop.add_callback(server.show, "/" + query)
    try:
        server.io_loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
