"""Real-browser tests of the teaching controls and of class mode (headless Chromium).

* speed: the slider reaches the server (Play never goes faster than the speed set);
* pause at each change of government: Play stops at 2018-12 and at 2024-10 and says so;
* key events stay pinned, office churn stays out of the feed, the continuity index appears
  and the verdict at the end matches it;
* class mode: the class code is asked for, a visitor beyond ``--max-sessions`` gets the "class
  is full" page, and gets a dashboard once a place is free.

Nothing waits for a fixed time: every check waits for the page to show a state the server set
(a busy machine only makes them slower). Screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_app import (  # noqa: F401 - fixtures, used by name
    PAGE_TIMEOUT_MS,
    app_url,
    browser,
    click,
    open_page,
    read,
    serve_app,
    shot,
    wait_stable,
    wait_text,
)

SLOW = 120.0
"""Seconds a check may wait for the page (a run of 74 months at 20 a second takes about 4 s)."""


def _speed_label(page) -> str:
    return page.locator(".speed .bk-slider-title").first.inner_text()


def _has(page, key: str) -> bool:
    return page.get_by_test_id(key).count() > 0


def test_speed_control_reaches_the_server(app_url: str, browser, tmp_path: Path) -> None:  # noqa: F811
    """At 1 month a second, Play cannot pass more months than seconds went by (plus one)."""
    context, page = open_page(browser, app_url, "?speed=20")
    try:
        assert re.search(r"Speed \(months per second\):\s*20\b", _speed_label(page))
        base = page.locator(".speed .noUi-base").first
        box = base.bounding_box()
        page.mouse.click(box["x"] + 1, box["y"] + box["height"] / 2)  # the left end: 1
        deadline = time.monotonic() + SLOW
        while not re.search(r":\s*1\b", _speed_label(page)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert re.search(r"Speed \(months per second\):\s*1\b", _speed_label(page))
        # no wait needed: the browser sends the slider's value before the Play click, over the
        # same websocket, and the server applies messages in order
        started = time.monotonic()
        click(page, "play")
        assert wait_text(page, "playing", lambda v: v == "playing", timeout=SLOW) == "playing"
        month = wait_text(page, "month", lambda v: v >= "2017-03" and v[:1] == "2", SLOW)
        click(page, "play")
        assert wait_text(page, "playing", lambda v: v == "paused", timeout=SLOW) == "paused"
        elapsed = time.monotonic() - started
        month = wait_stable(page, "month")
        played = (int(month[:4]) - 2017) * 12 + int(month[5:]) - 1 + 1  # months recorded
        # the server plays one month at once, then one a second at most (slower if busy)
        assert 3 <= played <= elapsed + 2, (played, elapsed)
    finally:
        context.close()


def test_pause_at_each_change_of_government_pinned_events_index_and_verdict(
    app_url: str,  # noqa: F811
    browser,  # noqa: F811
    tmp_path: Path,
) -> None:
    context, page = open_page(browser, app_url, "?speed=20")
    try:
        assert read(page, "index") == "–"
        assert "None yet." in read(page, "key-events")
        page.locator(".pause-turnover input").first.check(force=True)
        shot(page, tmp_path, "teaching_start")

        click(page, "play")
        page.get_by_test_id("notice").wait_for(timeout=SLOW * 1000)
        assert "Paused at the change of government (2018-12)" in read(page, "notice")
        assert wait_text(page, "playing", lambda v: v == "paused", SLOW) == "paused"
        assert wait_stable(page, "month") == "2018-12"
        pinned = read(page, "key-events")
        assert "2018-01: the coalition (IA2030Mx) was founded" in pinned
        assert "2018-12: a new administration took office and cut federal funding by 80 %" in pinned
        assert "2017-12: the coalition" not in pinned
        assert read(page, "index").endswith(" so far")
        shot(page, tmp_path, "teaching_paused_at_turnover")

        click(page, "play")  # on to the next change of government
        page.get_by_test_id("notice").filter(has_text="2024-10").wait_for(timeout=SLOW * 1000)
        assert wait_stable(page, "month") == "2024-10"
        index = read(page, "index")
        assert re.fullmatch(r"\d\.\d\d", index), index  # final: 2020-12 has been recorded
        pinned = read(page, "key-events")
        assert "2018-12: a new administration" in pinned  # still there, six years on
        assert "2024-10: a new administration" in pinned
        assert "now have an AI office" not in read(page, "feed")

        page.locator(".pause-turnover input").first.uncheck(force=True)  # sent before Play
        click(page, "play")
        page.get_by_test_id("verdict").wait_for(timeout=SLOW * 1000)
        verdict = read(page, "verdict")
        assert wait_stable(page, "month") == "2030-12"
        assert read(page, "playing") == "paused"
        kept = re.search(r"Your strategy kept (\d+) % of its momentum", verdict)
        assert kept, verdict
        assert abs(int(kept.group(1)) - 100 * float(read(page, "index"))) <= 1
        assert re.search(
            r"baseline .* keeps \d+–\d+ % \(10th–90th percentile of 20 runs\)", verdict
        )
        shot(page, tmp_path, "teaching_verdict")
    finally:
        context.close()


@pytest.fixture(scope="module")
def class_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app in class mode: code T3ST, at most one dashboard open."""
    extra = ["--class", "--address", "127.0.0.1", "--code", "T3ST", "--max-sessions", "1"]
    # polled without the code: a request with it would open a dashboard (until the server
    # discards it, a few seconds later) and fill the one place
    with serve_app(tmp_path_factory.mktemp("class"), extra) as url:
        yield url


def _visit(chromium, url: str):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url, timeout=PAGE_TIMEOUT_MS)
    page.locator("[data-testid=month], [data-testid=refused]").first.wait_for(
        timeout=PAGE_TIMEOUT_MS
    )
    return context, page


def test_class_mode_asks_for_the_code_and_says_when_full(class_url: str, browser, tmp_path) -> None:  # noqa: F811
    first, page = _visit(browser, class_url)
    second = None
    try:
        assert page.get_by_test_id("refused").get_attribute("data-reason") == "code"
        page.get_by_test_id("code-input").fill("t3st")
        page.get_by_test_id("code-input").press("Enter")
        page.get_by_test_id("month").wait_for(timeout=PAGE_TIMEOUT_MS)
        assert read(page, "month") == "not started"

        second, other = _visit(browser, class_url + "?code=T3ST")
        assert other.get_by_test_id("refused").get_attribute("data-reason") == "sessions"
        assert "The class is full" in other.get_by_test_id("refused").inner_text()
        shot(other, tmp_path, "class_full")

        first.close()  # the first student leaves: the place is free again once the server
        first = None  # has discarded the session (about 5-7 s), so reload until then
        deadline = time.monotonic() + SLOW
        while True:
            other.reload(timeout=PAGE_TIMEOUT_MS)
            other.locator("[data-testid=month], [data-testid=refused]").first.wait_for(
                timeout=PAGE_TIMEOUT_MS
            )
            if _has(other, "month") or time.monotonic() > deadline:
                break
            time.sleep(1.0)
        assert _has(other, "month"), "no place came free after the first visitor left"
    finally:
        for context in (first, second):
            if context is not None:
                context.close()
