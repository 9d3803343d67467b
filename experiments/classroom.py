"""Classroom mode of ``continuity app``: a class code, a cap on sessions and memory, quiet logs.

``continuity app --class`` serves the dashboard to a room: on every address of the machine, at
a URL with a short class code (``http://192.168.1.20:8765/?code=K7QX``; a page without the code
asks for it), with at most ``--max-sessions`` open dashboards and ``--max-memory-mb`` of server
memory (a visitor beyond either gets a page saying the class is full instead of a model), and
with no visitor's address or request in the server's output.
"""

from __future__ import annotations

import html
import ipaddress
import logging
import re
import secrets
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Letters and digits of a class code: none that can be read as another (no I/1, O/0)."""

CODE_PATTERN = re.compile(r"[A-Za-z0-9]{3,12}")
"""What ``--code`` accepts."""


@dataclass(frozen=True)
class ClassRules:
    """Who may open a dashboard, and how many may be open at once.

    Attributes:
        code: The class code a visitor's address must carry (``?code=...``); None = no code.
        max_sessions: Most dashboards open at once; None = no limit.
        max_memory_mb: No new dashboard once the server's resident memory reaches this; None =
            no limit.
    """

    code: str | None = None
    max_sessions: int | None = None
    max_memory_mb: int | None = None


def make_code(length: int = 4) -> str:
    """A random class code of ``length`` characters from :data:`CODE_ALPHABET`."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def lan_address() -> str:
    """This machine's address on its local network (the one other machines reach it at).

    Asks the operating system which interface it would use for an outside address; nothing is
    sent (a UDP socket is only connected, never written to). Falls back to the host name's
    address, then to 127.0.0.1 (a machine on no network).
    """
    for probe in ("10.255.255.255", "192.168.255.255"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect((probe, 1))
                ip = s.getsockname()[0]
            if ip and not ip.startswith("0."):
                return ip
        except OSError:
            continue
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return "127.0.0.1"


def rss_mb() -> float | None:
    """This process's resident memory in MB (Linux ``/proc``; elsewhere the peak; None if unknown)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def refusal(rules: ClassRules, args: dict[str, list[bytes]], open_sessions: int) -> str | None:
    """Why a visitor gets no dashboard (``"code"``, ``"sessions"``, ``"memory"``), else None.

    Args:
        rules: The class's rules.
        args: The visitor's query arguments (Bokeh's ``session_args``).
        open_sessions: Dashboards open now.
    """
    if rules.code is not None:
        given = (args.get("code") or [b""])[0]
        given = given.decode(errors="replace") if isinstance(given, bytes) else str(given)
        if not secrets.compare_digest(given.strip().upper(), rules.code.upper()):
            return "code"
    if rules.max_sessions is not None and open_sessions >= rules.max_sessions:
        return "sessions"
    if rules.max_memory_mb is not None:
        used = rss_mb()
        if used is not None and used >= rules.max_memory_mb:
            return "memory"
    return None


def message_html(reason: str, rules: ClassRules, wrong_code: bool = False) -> str:
    """The page a visitor gets instead of a dashboard, in plain words."""
    if reason == "code":
        hint = "That code is not this class's. " if wrong_code else ""
        body = (
            f"<p>{hint}Type the class code your teacher gave you:</p>"
            '<form method="get"><input name="code" data-testid="code-input" size="8" '
            'autocomplete="off" autofocus style="font-size:1.4em;text-transform:uppercase"> '
            '<button type="submit" style="font-size:1.2em">Open</button></form>'
        )
        title = "Continuity — class code"
    elif reason == "sessions":
        body = (
            f"<p>The class is full: {rules.max_sessions} dashboards are open on this server, "
            "its limit. Close a tab you no longer use, or wait for a classmate to close one, "
            "then reload this page (a closed tab frees its place within about 10 seconds).</p>"
        )
        title = "The class is full"
    else:
        body = (
            f"<p>The server has reached its memory limit ({rules.max_memory_mb} MB) and opens "
            "no more dashboards. Close a tab you no longer use and reload this page in a "
            "minute, or ask your teacher.</p>"
        )
        title = "The server is full"
    return (
        f'<div data-testid="refused" data-reason="{html.escape(reason)}" '
        f'style="max-width:40em;margin:3em auto;font-size:1.2em">'
        f"<h1>{html.escape(title)}</h1>{body}</div>"
    )


def gated(
    build: Callable[[], Any], rules: ClassRules, open_sessions: Callable[[], int]
) -> Callable[[], Any]:
    """Wrap a page builder so that each visitor first passes :func:`refusal`.

    Args:
        build: Builds the dashboard page (called once per admitted session).
        rules: The class's rules.
        open_sessions: Counts the dashboards open now.

    Returns:
        A builder for ``pn.serve``: the dashboard, or :func:`message_html` as a page.
    """

    def page() -> Any:
        import panel as pn

        args = getattr(pn.state, "session_args", None) or {}
        reason = refusal(rules, args, open_sessions())
        if reason is None:
            return build()
        wrong = reason == "code" and bool(args.get("code"))
        return pn.pane.HTML(message_html(reason, rules, wrong), sizing_mode="stretch_width")

    return page


IP_CANDIDATE = re.compile(r"(?<![\w:.])[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]*(?![\w:])")
"""Text that may be an IPv4 or IPv6 address (checked with :mod:`ipaddress`)."""


def _address_or_text(match: re.Match[str]) -> str:
    text = match.group(0)
    address = text.rstrip(".")
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return text
    return "<address>" + text[len(address) :]


def redact(message: str) -> str:
    """``message`` with every IPv4 and IPv6 address replaced by ``<address>``."""
    return IP_CANDIDATE.sub(_address_or_text, message)


def quiet_logs() -> None:
    """Log nothing personal: no access log, and no IP address in any other log message.

    Tornado's access log (one line per request, with the visitor's address) is switched off,
    and so is Bokeh's warning that every origin is accepted (class mode does so on purpose).
    Every other log record of the process (Tornado's, Bokeh's, Panel's warnings and errors, at
    any depth of logger) keeps its text with each IP address replaced by ``<address>``: the
    record factory rewrites it when it is created, before any handler sees it.
    """
    logging.getLogger("tornado.access").disabled = True
    # class mode accepts every origin on purpose (students reach the machine by any of its
    # names; the class code is the gate), so Bokeh's warning about it would only alarm
    logging.getLogger("bokeh.server.util").addFilter(
        lambda record: not record.getMessage().startswith("Host wildcard")
    )
    factory = logging.getLogRecordFactory()
    if getattr(factory, "redacts", False):
        return

    def redacting(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            record.msg, record.args = redact(record.getMessage()), ()
        except Exception:  # noqa: BLE001 - a badly formatted message: keep only its template
            record.msg, record.args = redact(str(record.msg)), ()
        return record

    redacting.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting)
