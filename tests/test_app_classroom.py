"""``continuity app --class``: class code, caps on sessions and memory, bad options, quiet logs.

The rules are tested in-process; the logs by serving the app for real (a subprocess on a free
port, visited over HTTP), once in class mode and once without, so the test shows that the
visitor's address would be logged without class mode and is not with it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_a_class_code_is_short_and_unambiguous():
    from experiments.classroom import CODE_ALPHABET, make_code

    codes = {make_code() for _ in range(200)}
    assert all(len(c) == 4 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert len(codes) > 150  # random, not fixed
    assert not set("IO01") & set(CODE_ALPHABET)


@pytest.mark.parametrize(
    "args, open_now, expected",
    [
        ({}, 0, "code"),
        ({"code": [b"nope"]}, 0, "code"),
        ({"code": [b"k7qx"]}, 0, None),  # case does not matter
        ({"code": [b" K7QX "]}, 1, None),
        ({"code": [b"K7QX"]}, 2, "sessions"),
        ({"code": [b"K7QX"]}, 5, "sessions"),
    ],
)
def test_a_visitor_needs_the_code_and_a_free_place(args, open_now, expected):
    from experiments.classroom import ClassRules, refusal

    assert refusal(ClassRules(code="K7QX", max_sessions=2), args, open_now) == expected


def test_no_new_dashboard_above_the_memory_cap(monkeypatch):
    from experiments import classroom

    monkeypatch.setattr(classroom, "rss_mb", lambda: 900.0)
    rules = classroom.ClassRules(max_memory_mb=800)
    assert classroom.refusal(rules, {}, 0) == "memory"
    assert classroom.refusal(classroom.ClassRules(max_memory_mb=1000), {}, 0) is None
    assert "memory limit (800 MB)" in classroom.message_html("memory", rules)


def test_this_process_memory_is_read():
    from experiments.classroom import rss_mb

    used = rss_mb()
    assert used is not None and 10 < used < 100_000


def test_the_full_page_says_what_to_do():
    from experiments.classroom import ClassRules, message_html

    text = message_html("sessions", ClassRules(max_sessions=24))
    assert "The class is full" in text and "24 dashboards are open" in text
    assert 'data-reason="sessions"' in text
    assert "not this class's" in message_html("code", ClassRules(code="K7QX"), wrong_code=True)
    assert "K7QX" not in message_html("code", ClassRules(code="K7QX"))  # never shows the code


def test_ip_addresses_are_redacted():
    from experiments.classroom import redact

    assert redact("404 GET /x (192.168.1.23) 1.2ms") == "404 GET /x (<address>) 1.2ms"
    assert redact("from fe80::1ff:fe23:4567:890a port 5") == "from <address> port 5"
    assert redact("bokeh 3.9.2 at 12:30:45, ratio 0.5") == "bokeh 3.9.2 at 12:30:45, ratio 0.5"
    assert redact("::1 and 10.0.0.7.") == "<address> and <address>."


def test_the_lan_address_is_an_ip_address():
    import ipaddress

    from experiments.classroom import lan_address

    ipaddress.ip_address(lan_address())


@pytest.mark.parametrize(
    "args, message",
    [
        (["--class", "--max-sessions", "0"], "--max-sessions: bad value '0' (want a whole number"),
        (["--max-sessions", "many"], "--max-sessions: bad value 'many'"),
        (["--class", "--max-memory-mb", "50"], "--max-memory-mb: bad value '50' (want a whole"),
        (["--class", "--code", "a b"], "--code: bad value 'a b' (want 3-12 letters or digits)"),
        (["--class", "--code", "AB"], "--code: bad value 'AB'"),
        (["--address", "my laptop"], "--address: bad value 'my laptop' (want an IP address"),
        (["--port", "0"], "bad port '0' (want 1-65535)"),
    ],
)
def test_a_bad_option_is_one_line_and_exit_2(capsys, args, message):
    from experiments import app

    assert app.main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("continuity app: error: ")
    assert message in err


def test_class_mode_defaults():
    from experiments import app

    opts = app._parser().parse_args(["--class"])
    address, rules = app.settings(opts)
    assert address == "0.0.0.0"
    assert rules.max_sessions == app.CLASS_MAX_SESSIONS
    assert rules.max_memory_mb == app.CLASS_MAX_MEMORY_MB
    assert rules.code and len(rules.code) == 4
    address, rules = app.settings(app._parser().parse_args(["--host", "127.0.0.1"]))
    assert address == "127.0.0.1" and rules.code is None and rules.max_sessions is None
    _, rules = app.settings(app._parser().parse_args(["--class", "--code", "abc9"]))
    assert rules.code == "ABC9"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_and_visit(tmp_path: Path, extra: list[str]) -> str:
    """Serve the app, visit a page and a missing path, stop it; return everything it printed."""
    port = _free_port()
    log_path = tmp_path / f"app-{port}.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "experiments.app", "--port", str(port), "--no-show", *extra],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}/"
            deadline = time.monotonic() + 150  # the port opens once the caches are warm
            while True:
                assert proc.poll() is None, log_path.read_text()
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=2).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the app did not listen within 150 s"
                    time.sleep(0.5)
            with urllib.request.urlopen(url + "?code=T3ST", timeout=90) as r:
                assert r.status == 200
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(url + "no-such-page", timeout=5)
            time.sleep(1.0)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
    return log_path.read_text()


def test_class_mode_logs_no_visitor_address(tmp_path):
    plain = _serve_and_visit(tmp_path, [])
    assert "127.0.0.1)" in plain and "no-such-page" in plain  # Tornado's access log, as usual
    quiet = _serve_and_visit(tmp_path, ["--class", "--code", "T3ST"])
    assert "Share this link:" in quiet and "class code T3ST" in quiet
    assert "no-such-page" not in quiet and "GET" not in quiet
    printed = [line for line in quiet.splitlines() if "http://" not in line]  # the URL to share
    assert not any("127.0.0.1" in line for line in printed), quiet
    assert "Host wildcard" not in quiet
