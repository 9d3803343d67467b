"""Errors a user can cause, reported as plain lines (no traceback) by the CLI."""

from __future__ import annotations


class InputError(Exception):
    """Bad user input: a config value, a network file, a date.

    Each entry of ``problems`` is one plain line naming the input (key, file,
    line or node), the value found and what is allowed. The CLI prints them all
    and exits with code 2 before any work starts.
    """

    def __init__(self, problems: list[str] | str):
        if isinstance(problems, str):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class ConfigError(InputError):
    """A configuration value is of the wrong type, out of range or unknown."""


class NetworkFileError(InputError):
    """A user-supplied network file is malformed."""


class NumericalError(ArithmeticError):
    """A run produced a number that is not finite (NaN or infinite): its results are unusable.

    The message names the first such column and month. Sweeps record the run as failed with it;
    ``continuity run`` reports it in one line (exit code 1) and writes nothing.
    """


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """``" (did you mean 'x'?)"`` for the choices closest to a mistyped ``word``, else ``""``.

    Args:
        word: What the user typed (a key, a command, an option).
        choices: What is allowed there.
    """
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    if not close:
        return ""
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)"
