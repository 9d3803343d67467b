"""Dashboard memory per browser session: open and close N sessions, measure the server's memory.

Starts ``continuity app`` on a free port, opens one session to warm it up, records the server's
resident memory (RSS, from ``/proc``), then opens and closes ``--sessions`` sessions one after
another through Bokeh's client (the same websocket protocol a browser uses; each session builds
its own dashboard and model on the server), waits until the server has discarded them, and
records the memory again. Prints the growth per session and writes it to
``benchmarks/out/dashboard_sessions.json``.

    .venv/bin/python benchmarks/dashboard_sessions.py --sessions 200
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import ROOT, rss_mb, served_app  # noqa: E402

OUT = ROOT / "benchmarks" / "out"


def open_close(url: str) -> None:
    """Open one session as a browser would (websocket, document pulled), then close it."""
    import panel  # noqa: F401 - registers Panel's Bokeh models, which the document uses
    from bokeh.client import pull_session

    session = pull_session(url=url)
    session.close()


def main(argv: list[str] | None = None) -> int:
    """Run the measurement; print and save the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument(
        "--settle",
        type=float,
        default=20.0,
        help="seconds to wait for closed sessions to be discarded",
    )
    opts = parser.parse_args(argv)
    with served_app("dashboard_sessions", timeout=90) as (proc, url):
        for _ in range(5):  # warm up: first sessions fill caches (Bokeh, Panel, numpy)
            open_close(url)
        time.sleep(opts.settle)
        before = rss_mb(proc.pid)
        started = time.monotonic()
        for i in range(opts.sessions):
            open_close(url)
            if (i + 1) % 20 == 0:
                print(f"{i + 1} sessions, {rss_mb(proc.pid):.1f} MB", file=sys.stderr, flush=True)
        peak = rss_mb(proc.pid)
        time.sleep(opts.settle)  # the server discards closed sessions after a few seconds
        after = rss_mb(proc.pid)
        result = {
            "sessions": opts.sessions,
            "rss_before_mb": round(before, 1),
            "rss_peak_mb": round(peak, 1),
            "rss_after_mb": round(after, 1),
            "per_session_kb": round((after - before) * 1024 / opts.sessions, 1),
            "seconds": round(time.monotonic() - started, 1),
        }
    OUT.mkdir(exist_ok=True)
    (OUT / "dashboard_sessions.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
