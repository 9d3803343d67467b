"""How many dashboards one ``continuity app`` process keeps playing at full speed.

Starts the app (one server process) on a free port, then for each count N in ``--sessions``
opens N sessions that all press Play at the set ``--speed`` (months per second), lets them play
for ``--window`` seconds and records, per count:

* the months each session actually advanced per second: as the server measured it (the
  dashboard's "months per second (measured)" counter, averaged since Play; this decides whether
  a count keeps up) and as the client received them (its copy of the momentum chart's data: a
  client that cannot read fast enough lags behind, so this is a lower bound);
* the server's CPU use (from ``/proc``: 100 % = one core, all a single process can use), the
  same per month it streamed to a session (a cost that does not depend on how busy the machine
  is), its resident memory and the machine's load average (other processes compete for the
  cores).

Two kinds of client (``--client``):

* ``protocol`` (default): Bokeh's own websocket client (``bokeh.client.pull_session``, the
  protocol a browser speaks), one thread per session in this process: it receives every update
  a browser would and draws nothing, so many sessions fit on the machine;
* ``browser``: headless Chromium (``/usr/bin/chromium`` through playwright), one context per
  session, drawing the charts as a student's browser does: heavy, for a few sessions only.

A count "keeps up" when every session advanced at least 90 % of the set speed. Results are
printed and written to ``benchmarks/out/class_capacity-<client>.json``.

    .venv/bin/python benchmarks/class_capacity.py --sessions 5 10 20 30 40
    .venv/bin/python benchmarks/class_capacity.py --client browser --sessions 2 4 6
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import ROOT, rss_mb, served_app  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
RATE = re.compile(r'data-testid="rate"[^>]*>([0-9.]+)<')
"""The server's measured play rate in the dashboard's counters."""

KEEPS_UP = 0.9
"""A session keeps up when it advances at least this share of the set speed."""


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ProtocolClient:
    """One session through Bokeh's websocket client, in a thread of its own; presses Play."""

    def __init__(self, url: str, speed: int, play: bool = True) -> None:
        """Open the session (in the thread) and start playing (unless ``play`` is False)."""
        self.url, self.speed, self.play = url, speed, play
        self.session: Any = None
        self.source: Any = None
        self.error: BaseException | None = None
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            import panel  # noqa: F401 - registers Panel's Bokeh models, which the document uses
            from bokeh.client import pull_session

            self.session = pull_session(url=self.url, arguments={"speed": str(self.speed)})
            doc = self.session.document
            self.source = doc.get_model_by_name("momentum_source")
            play = next(m for m in doc.models if "play" in (getattr(m, "css_classes", None) or []))
            play.active = self.play  # True: what a click on Play sends
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            self.error = exc
            return
        finally:
            self.ready.set()
        self.session._connection.loop_until_closed()  # receives what the server streams

    def rows(self) -> int:
        """Months the session has received so far."""
        return len(self.source.data["x"]) if self.source is not None else 0

    def server_rate(self) -> float | None:
        """The months per second the server says it played (its "measured" counter)."""
        for model in self.session.document.models:
            text = getattr(model, "text", None)
            text = html.unescape(text) if isinstance(text, str) else ""
            if 'data-testid="rate"' in text:
                match = RATE.search(text)
                return float(match.group(1)) if match else None
        return None

    def close(self) -> None:
        """Ask the session's own thread to close it (the caller waits for the threads)."""
        if self.session is not None:
            self.session._connection._loop.add_callback(self.session.close)


class BrowserClients:
    """Sessions in headless Chromium contexts (one browser, one context per session)."""

    def __init__(self) -> None:
        """Start the browser."""
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        self.pages: list[Any] = []

    def open(self, url: str, n: int, speed: int) -> None:
        """Open ``n`` pages at ``speed`` and press Play on each."""
        for _ in range(n):
            context = self.browser.new_context(viewport={"width": 1400, "height": 1300})
            page = context.new_page()
            page.goto(f"{url}?speed={speed}", timeout=180_000)
            page.get_by_test_id("month").wait_for(timeout=180_000)
            self.pages.append(page)
        for page in self.pages:
            page.locator(".play button").first.click(force=True)

    def rows(self) -> list[int]:
        """Months each page has received."""
        script = """() => {
            for (const doc of Bokeh.documents) {
                const s = doc.get_model_by_name('momentum_source');
                if (s) return s.data['x'].length;
            }
            return 0;
        }"""
        return [page.evaluate(script) for page in self.pages]

    def close_pages(self) -> None:
        """Close every page's context."""
        for page in self.pages:
            page.context.close()
        self.pages = []

    def stop(self) -> None:
        """Close the browser."""
        self.close_pages()
        self.browser.close()
        self._pw.stop()


def measure(url: str, pid: int, n: int, opts: argparse.Namespace, browsers: Any) -> dict:
    """Open ``n`` playing sessions, measure one window, close them."""
    clients: list[ProtocolClient] = []
    me = os.getpid()
    if browsers is None:
        clients = [ProtocolClient(url, opts.speed, not opts.idle) for _ in range(n)]
        for c in clients:
            c.ready.wait(120)
        errors = [c.error for c in clients if c.error is not None]
        if errors:
            raise RuntimeError(f"{len(errors)} sessions failed: {errors[0]!r}")

        def rows() -> list[int]:
            return [c.rows() for c in clients]
    else:
        browsers.open(url, n, opts.speed)
        rows = browsers.rows
    time.sleep(opts.warmup)
    rows0, cpu0, mine0, t0 = rows(), cpu_seconds(pid), cpu_seconds(me), time.monotonic()
    time.sleep(opts.window)
    rows1, cpu1, mine1, t1 = rows(), cpu_seconds(pid), cpu_seconds(me), time.monotonic()
    memory = rss_mb(pid)
    seconds = t1 - t0
    rates = [(b - a) / seconds for a, b in zip(rows0, rows1, strict=True)]
    server_rates = [c.server_rate() for c in clients] if browsers is None else []
    server_rates = [r for r in server_rates if r is not None]
    if browsers is None:
        for c in clients:
            c.close()
        deadline = time.monotonic() + 20
        for c in clients:
            c.thread.join(timeout=max(0.1, deadline - time.monotonic()))
    else:
        browsers.close_pages()
    finished = sum(r >= opts.months for r in rows1)
    months = sum(b - a for a, b in zip(rows0, rows1, strict=True))
    return {
        "sessions": n,
        "speed": opts.speed,
        "window_s": round(seconds, 1),
        "months_per_s_min": round(min(rates), 2),
        "months_per_s_median": round(statistics.median(rates), 2),
        "server_months_per_s_min": round(min(server_rates), 2) if server_rates else None,
        "server_months_per_s_median": (
            round(statistics.median(server_rates), 2) if server_rates else None
        ),
        "server_cpu_pct": round(100 * (cpu1 - cpu0) / seconds, 1),
        "client_cpu_pct": round(100 * (mine1 - mine0) / seconds, 1),
        "server_cpu_ms_per_session_month": round(1000 * (cpu1 - cpu0) / max(months, 1), 2),
        "load_average": round(os.getloadavg()[0], 2),
        "server_rss_mb": round(memory, 1),
        "finished_during_window": finished,
        "keeps_up": not opts.idle and min(server_rates or rates) >= KEEPS_UP * opts.speed,
        "idle": opts.idle,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the measurement; print and save the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[5, 10, 20, 30, 40])
    parser.add_argument("--client", choices=["protocol", "browser"], default="protocol")
    parser.add_argument("--speed", type=int, default=4, help="months per second (default 4)")
    parser.add_argument(
        "--idle", action="store_true", help="open the sessions without pressing Play (protocol)"
    )
    parser.add_argument("--warmup", type=float, default=4.0, help="seconds before the window")
    parser.add_argument("--window", type=float, default=20.0, help="seconds measured")
    parser.add_argument("--settle", type=float, default=10.0, help="seconds between counts")
    opts = parser.parse_args(argv)
    opts.months = 168  # 2017-01 .. 2030-12: a window must end before the runs do
    if (opts.warmup + opts.window) * opts.speed >= opts.months:
        parser.error("--warmup + --window must end before the run does (168 months)")
    browsers = None
    results = []
    with served_app("class_capacity") as (proc, url):
        try:
            if opts.client == "browser":
                browsers = BrowserClients()
            time.sleep(opts.settle)
            idle = rss_mb(proc.pid)
            for n in opts.sessions:
                result = measure(url, proc.pid, n, opts, browsers)
                result["server_rss_idle_mb"] = round(idle, 1)
                results.append(result)
                print(json.dumps(result), file=sys.stderr, flush=True)
                time.sleep(opts.settle)
        finally:
            if browsers is not None:
                browsers.stop()
    summary = {
        "client": opts.client,
        "cores": os.cpu_count(),
        "speed": opts.speed,
        "keeps_up_up_to": max((r["sessions"] for r in results if r["keeps_up"]), default=0),
        "counts": results,
    }
    OUT.mkdir(exist_ok=True)
    (OUT / f"class_capacity-{opts.client}{'-idle' if opts.idle else ''}.json").write_text(
        json.dumps(summary, indent=2) + "\n"
    )
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
