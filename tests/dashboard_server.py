"""Serve the dashboard in the test's own process, so a test can count what stays in memory."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from typing import Any

import panel as pn


@contextlib.contextmanager
def served_dashboard(timeout: float = 30.0) -> Iterator[tuple[str, Any]]:
    """Serve ``build_page`` on a free port in a thread; yield its URL and a first open session.

    Sessions no client holds are discarded after 200 ms, so closed tabs go quickly. The server
    stops when the block ends. Call ``experiments.dashboard.warm_up()`` first.
    """
    from bokeh.client import pull_session

    from experiments.dashboard import build_page

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    server = pn.serve(
        {"/": build_page},
        port=port,
        address="127.0.0.1",
        show=False,
        threaded=True,
        websocket_origin=[f"127.0.0.1:{port}"],
        check_unused_sessions_milliseconds=200,
        unused_session_lifetime_milliseconds=200,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                session = pull_session(url=url)
                break
            except Exception:  # noqa: BLE001 - the server is still starting
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.5)
        yield url, session
    finally:
        server.stop()
