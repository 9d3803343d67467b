"""``continuity app``: serve the interactive dashboard (one model per browser session).

Run ``continuity app`` (or ``python -m experiments.app``) and open the printed URL. Panel and
Bokeh serve their JavaScript from the installed packages, so it works offline.
"""

from __future__ import annotations

import argparse
import sys
import time

USAGE = "continuity app [--port 8765] [--host 127.0.0.1] [--no-show]"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="continuity app",
        usage=USAGE,
        description="Serve the Continuity dashboard: pick shocks and tactics, step the Mexico "
        "model month by month and watch momentum, who carries it and the network. Every browser "
        "tab gets its own model.",
    )
    p.add_argument("--port", default="8765", help="TCP port to listen on (default: 8765)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--no-show", action="store_true", help="do not open a browser window")
    return p


def _port(value: str) -> int | None:
    try:
        port = int(value)
    except ValueError:
        return None
    return port if 1 <= port <= 65535 else None


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
    started = time.perf_counter()
    import panel as pn

    from experiments.dashboard import build_page, warm_up

    pn.extension(inline=True)  # JS/CSS from the installed packages: no CDN needed
    pn.config.inline = True
    warm_up()  # the shared caches, once per process, before the first visitor
    url = f"http://{opts.host}:{port}/"
    try:
        server = pn.serve(
            {"/": build_page},
            port=port,
            address=opts.host,
            show=False,
            start=False,
            title="Continuity",
            websocket_origin=[f"{opts.host}:{port}", f"localhost:{port}", f"127.0.0.1:{port}"],
            # Bokeh's names (Panel passes them on): a closed tab's session, its model and
            # charts are discarded about 5-7 s after it closed (the defaults are 15-32 s)
            check_unused_sessions_milliseconds=2000,
            unused_session_lifetime_milliseconds=5000,
        )
        server.start()
    except OSError as exc:
        print(f"continuity app: error: cannot listen on {opts.host}:{port}: {exc}", file=sys.stderr)
        return 1
    print(
        f"Continuity dashboard ready at {url} ({time.perf_counter() - started:.1f} s)", flush=True
    )
    if not opts.no_show:
        server.io_loop.add_callback(server.show, "/")
    try:
        server.io_loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
