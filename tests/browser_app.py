"""What the real-browser tests share: the app served on a free port, headless Chromium, helpers.

The app runs as a subprocess (``serve_app``); the tests that use these fixtures are skipped only
when ``/usr/bin/chromium`` is missing outside CI. Screenshots go to ``tests/artifacts/``.
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
from contextlib import contextmanager
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


APP_START_S = 150.0
"""How long the app may take to serve. About 8 s on an idle machine (imports, Hydra and the
20-run baseline band); 40-50 s was seen on this shared 2-core machine with both cores busy."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_command(port: int, extra: list[str]) -> list[str]:
    script = Path(sys.executable).with_name("continuity")
    args = ["--port", str(port), "--no-show", *extra]
    if (
        script.exists()
        and "app"
        in subprocess.run(
            [str(script), "--help"], capture_output=True, text=True, check=False
        ).stdout
    ):
        return [str(script), "app", *args]
    return [sys.executable, "-m", "experiments.app", *args]


@contextmanager
def serve_app(log_dir: Path, extra: list[str] | None = None) -> Iterator[str]:
    """Serve the app on a free port (``extra``: more options); always shut it down.

    The app's output goes to a file, not a pipe: a pipe nobody reads blocks the server once
    its buffer fills.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log_path = log_dir / "app.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        app_command(port, extra or []),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        # wait for the port to accept connections (it does once the app's caches are warm),
        # then fetch the page once with a long timeout: every page request opens a dashboard,
        # so polling the page with short timeouts on a loaded machine piles up sessions that
        # slow the server further (seen here: it never answered within 150 s)
        deadline = time.monotonic() + APP_START_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the app exited with {proc.returncode}:\n{log_path.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the app did not listen within {APP_START_S:.0f} s")
            time.sleep(0.2)
        with urllib.request.urlopen(url, timeout=PAGE_TIMEOUT_MS / 1000) as response:
            assert response.status == 200, f"the app answered {response.status}"
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
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served for the module."""
    with serve_app(tmp_path_factory.mktemp("app")) as url:
        yield url


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


def open_page(browser, url: str, query: str = ""):
    context = browser.new_context(viewport={"width": 1400, "height": 1300})
    page = context.new_page()
    page.goto(url + query, timeout=PAGE_TIMEOUT_MS)
    page.get_by_test_id("month").wait_for(timeout=PAGE_TIMEOUT_MS)
    page.locator("canvas").first.wait_for(timeout=PAGE_TIMEOUT_MS)
    return context, page


def read(page, key: str) -> str:
    return page.get_by_test_id(key).inner_text().strip()


def wait_text(page, key: str, predicate, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        value = read(page, key)
        if predicate(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def wait_stable(page, key: str, quiet: float = 1.0, timeout: float = 30.0) -> str:
    """The text once it has not changed for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    value, since = read(page, key), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = read(page, key)
        if now != value:
            value, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return value


def rows(page) -> int:
    return page.evaluate(
        """() => {
            for (const doc of Bokeh.documents) {
                const s = doc.get_model_by_name('momentum_source');
                if (s) return s.data['x'].length;
            }
            return -1;
        }"""
    )


def wait_rows(page, predicate, timeout: float = 10.0) -> int:
    deadline = time.monotonic() + timeout
    while True:
        value = rows(page)
        if predicate(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def shot(page, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(path, ARTIFACTS / path.name)


def click(page, css_class: str) -> None:
    # force: skip playwright's wait for a stable layout, which a page redrawing 20 times a
    # second on software rendering may not give for seconds (the click itself is real)
    page.locator(f".{css_class} button").first.click(force=True)
