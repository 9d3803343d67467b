"""A real-browser test of ``continuity app``: headless Chromium drives the served dashboard.

Starts the app as a subprocess on a free port, then checks Step, a slider, a preset,
Play/Pause and that two browser sessions have separate models. Screenshots go to
``tests/artifacts/``. Skipped only when ``/usr/bin/chromium`` is missing outside CI.
"""

from __future__ import annotations

import time
from pathlib import Path

from browser_app import (  # noqa: F401 - fixtures, used by name
    app_url,
    browser,
    click,
    open_page,
    read,
    rows,
    shot,
    wait_rows,
    wait_stable,
    wait_text,
)


def test_dashboard_in_a_browser(app_url: str, browser, tmp_path: Path) -> None:  # noqa: F811
    """Step, slider, preset, Play/Pause, then two sessions with separate models."""
    # the test sets the play speed (4 months/s) so that Pause lands mid-run however slow the
    # machine: the whole run would take 40 s of playing
    context, page = open_page(browser, app_url, "?speed=4")
    try:
        assert "survive the change of government" in read(page, "title")
        assert read(page, "playing") == "paused"
        assert read(page, "month") == "not started"
        assert rows(page) == 0
        shot(page, tmp_path, "app_start")

        # Step: one month, one more row on the chart
        click(page, "step")
        assert wait_text(page, "month", lambda v: v == "2017-01") == "2017-01"
        click(page, "step")
        assert wait_text(page, "month", lambda v: v == "2017-02") == "2017-02"
        assert wait_rows(page, lambda n: n == 2) == 2

        # a slider: click near the right end of the cut-size track → reset, new value
        assert "cut 80 %" in read(page, "settings")
        base = page.locator(".cut-size .noUi-base").first
        box = base.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.97, box["y"] + box["height"] / 2)
        settings = wait_text(page, "settings", lambda v: "cut 80 %" not in v)
        assert "cut 80 %" not in settings
        assert wait_text(page, "month", lambda v: v == "not started") == "not started"
        assert wait_rows(page, lambda n: n == 0) == 0

        # a preset sets the controls
        click(page, "preset-law-before-2018")
        assert "law 2018-04" in wait_text(page, "settings", lambda v: "law 2018-04" in v)
        click(page, "preset-deep-cut")
        settings = wait_text(page, "settings", lambda v: "cut 100 %" in v)
        assert "cut 100 %" in settings and "law never" in settings

        # Play, then Pause: several months go by, then none. The server acknowledges each
        # click on the page ("playing"/"paused"); the browser may lag behind the server while
        # it draws, so the month is read once it has settled.
        click(page, "play")
        assert wait_text(page, "playing", lambda v: v == "playing", timeout=30) == "playing"
        month = wait_text(page, "month", lambda v: v[:1] == "2" and v >= "2017-04", timeout=30)
        assert month >= "2017-04", month
        click(page, "play")
        assert wait_text(page, "playing", lambda v: v == "paused", timeout=30) == "paused"
        paused = wait_stable(page, "month")
        assert paused[:1] == "2" and "2017-04" <= paused < "2030-12", paused
        time.sleep(1.0)
        assert read(page, "month") == paused
        shot(page, tmp_path, "app_paused")

        # two sessions at once: stepping one does not move the other
        other_context, other = open_page(browser, app_url)
        try:
            assert read(other, "month") == "not started"
            for _ in range(3):
                click(other, "step")
            assert wait_text(other, "month", lambda v: v == "2017-03") == "2017-03"
            time.sleep(0.5)
            assert read(page, "month") == paused
            click(page, "reset")
            assert wait_text(page, "month", lambda v: v == "not started") == "not started"
            assert read(other, "month") == "2017-03"
            shot(other, tmp_path, "app_second_session")
        finally:
            other_context.close()
    finally:
        context.close()
