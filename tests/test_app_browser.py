"""A real-browser test of ``continuity app``: headless Chromium drives the served dashboard.

Starts the app as a subprocess on a free port, then checks Step, a slider, a preset,
Play/Pause and that two browser sessions have separate models. Screenshots go to
``tests/artifacts/``. Skipped only when ``/usr/bin/chromium`` is missing outside CI.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
ROOT = Path(__file__).resolve().parents[1]
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(
        f"{CHROMIUM} is missing (install Debian's chromium); this test runs in CI",
        allow_module_level=True,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _app_command(port: int) -> list[str]:
    script = Path(sys.executable).with_name("continuity")
    args = ["--port", str(port), "--no-show"]
    if (
        script.exists()
        and "app"
        in subprocess.run(
            [str(script), "--help"], capture_output=True, text=True, check=False
        ).stdout
    ):
        return [str(script), "app", *args]
    return [sys.executable, "-m", "experiments.app", *args]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the app on a free port for the module; always shut it down.

    The app's output goes to a file, not a pipe: a pipe nobody reads blocks the server once
    its buffer fills.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log_path = tmp_path_factory.mktemp("app") / "app.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        _app_command(port),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 40
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the app exited with {proc.returncode}:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the app did not serve within 40 s")
            time.sleep(0.2)
        yield url
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for the module."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing and CI is set: the browser test must run in CI")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        try:
            yield b
        finally:
            b.close()


PAGE_TIMEOUT_MS = 90_000
"""How long a page may take to appear. About 4 s here with a busy second core; the bound is
generous because a shared machine can stall for tens of seconds (this is not a speed test)."""


def _open(browser, url: str, query: str = ""):
    context = browser.new_context(viewport={"width": 1400, "height": 1300})
    page = context.new_page()
    page.goto(url + query, timeout=PAGE_TIMEOUT_MS)
    page.get_by_test_id("month").wait_for(timeout=PAGE_TIMEOUT_MS)
    page.locator("canvas").first.wait_for(timeout=PAGE_TIMEOUT_MS)
    return context, page


def _text(page, key: str) -> str:
    return page.get_by_test_id(key).inner_text().strip()


def _wait_text(page, key: str, predicate, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        value = _text(page, key)
        if predicate(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def _wait_stable(page, key: str, quiet: float = 1.0, timeout: float = 30.0) -> str:
    """The text once it has not changed for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    value, since = _text(page, key), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = _text(page, key)
        if now != value:
            value, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return value


def _rows(page) -> int:
    return page.evaluate(
        """() => {
            for (const doc of Bokeh.documents) {
                const s = doc.get_model_by_name('momentum_source');
                if (s) return s.data['x'].length;
            }
            return -1;
        }"""
    )


def _wait_rows(page, predicate, timeout: float = 10.0) -> int:
    deadline = time.monotonic() + timeout
    while True:
        value = _rows(page)
        if predicate(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def _shot(page, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(path, ARTIFACTS / path.name)


def _click(page, css_class: str) -> None:
    # force: skip playwright's wait for a stable layout, which a page redrawing 20 times a
    # second on software rendering may not give for seconds (the click itself is real)
    page.locator(f".{css_class} button").first.click(force=True)


def test_dashboard_in_a_browser(app_url: str, browser, tmp_path: Path) -> None:
    """Step, slider, preset, Play/Pause, then two sessions with separate models."""
    # the test sets the play speed (4 months/s) so that Pause lands mid-run however slow the
    # machine: the whole run would take 40 s of playing
    context, page = _open(browser, app_url, "?speed=4")
    try:
        assert "survive the change of government" in _text(page, "title")
        assert _text(page, "playing") == "paused"
        assert _text(page, "month") == "not started"
        assert _rows(page) == 0
        _shot(page, tmp_path, "app_start")

        # Step: one month, one more row on the chart
        _click(page, "step")
        assert _wait_text(page, "month", lambda v: v == "2017-01") == "2017-01"
        _click(page, "step")
        assert _wait_text(page, "month", lambda v: v == "2017-02") == "2017-02"
        assert _wait_rows(page, lambda n: n == 2) == 2

        # a slider: click near the right end of the cut-size track → reset, new value
        assert "cut 80 %" in _text(page, "settings")
        base = page.locator(".cut-size .noUi-base").first
        box = base.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.97, box["y"] + box["height"] / 2)
        settings = _wait_text(page, "settings", lambda v: "cut 80 %" not in v)
        assert "cut 80 %" not in settings
        assert _wait_text(page, "month", lambda v: v == "not started") == "not started"
        assert _wait_rows(page, lambda n: n == 0) == 0

        # a preset sets the controls
        _click(page, "preset-law-before-2018")
        assert "law 2018-04" in _wait_text(page, "settings", lambda v: "law 2018-04" in v)
        _click(page, "preset-deep-cut")
        settings = _wait_text(page, "settings", lambda v: "cut 100 %" in v)
        assert "cut 100 %" in settings and "law never" in settings

        # Play, then Pause: several months go by, then none. The server acknowledges each
        # click on the page ("playing"/"paused"); the browser may lag behind the server while
        # it draws, so the month is read once it has settled.
        _click(page, "play")
        assert _wait_text(page, "playing", lambda v: v == "playing", timeout=30) == "playing"
        month = _wait_text(page, "month", lambda v: v[:1] == "2" and v >= "2017-04", timeout=30)
        assert month >= "2017-04", month
        _click(page, "play")
        assert _wait_text(page, "playing", lambda v: v == "paused", timeout=30) == "paused"
        paused = _wait_stable(page, "month")
        assert paused[:1] == "2" and "2017-04" <= paused < "2030-12", paused
        time.sleep(1.0)
        assert _text(page, "month") == paused
        _shot(page, tmp_path, "app_paused")

        # two sessions at once: stepping one does not move the other
        other_context, other = _open(browser, app_url)
        try:
            assert _text(other, "month") == "not started"
            for _ in range(3):
                _click(other, "step")
            assert _wait_text(other, "month", lambda v: v == "2017-03") == "2017-03"
            time.sleep(0.5)
            assert _text(page, "month") == paused
            _click(page, "reset")
            assert _wait_text(page, "month", lambda v: v == "not started") == "not started"
            assert _text(other, "month") == "2017-03"
            _shot(other, tmp_path, "app_second_session")
        finally:
            other_context.close()
    finally:
        context.close()
