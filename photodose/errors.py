"""photodose's exceptions: one tree, so callers can tell bad input from a bug.

    PhotodoseError                     the root: anything photodose raises on purpose
    ├── BadInputError (ValueError)     a value the user gave is outside what is allowed;
    │   │                              names the field, the value and the allowed range
    │   ├── InputFileError             a file the user named cannot be read as asked
    │   ├── InvalidSpecError           a spec failed validation (pydantic's ValidationError,
    │   │                              every problem in one line, by `describe_error`)
    │   └── ResourceLimitError         a request too large to run (memory, size, time)
    └── ModelRangeError (ValueError)   valid input, but outside where a model holds
                                       (e.g. diffusion theory in a non-scattering layer)

The CLI shows a BadInputError or ModelRangeError as one line and exits with status 2;
the web app answers HTTP 422. Every other exception is a bug and surfaces as one.
Pydantic's ValidationError (a spec field out of range) is bad input too: it is formatted
by `photodose.specs.describe_error` (the one formatter) and may be re-raised, with where it
happened, as an InvalidSpecError. A plain ValueError is a bug.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class PhotodoseError(Exception):
    """Root of every error photodose raises on purpose."""


class BadInputError(PhotodoseError, ValueError):
    """A value given by the user is not allowed.

    `field` names the input as the user wrote it (a CLI option, a spec path, a file and
    line), `value` is what was given, `allowed` says what would be accepted."""

    def __init__(self, field: str, value: Any, allowed: str, *, reason: str = "") -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        self.reason = reason
        shown = _shown(value)
        message = f"{field} = {shown}: {allowed}"
        if reason:
            message += f" ({reason})"
        super().__init__(message)


def _shown(value: Any) -> str:
    """A value as the user would write it: text as is, a numpy scalar as a Python number."""
    if isinstance(value, str):
        return value
    if type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0:
        return repr(value.item())
    return repr(value)


class InputFileError(BadInputError):
    """A file cannot be used: missing, a directory, unreadable, or malformed. The message
    reads `PATH: problem` (with `PATH:LINE:` when the problem has a line)."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        super().__init__("file", str(path), problem)
        self.args = (f"{path}: {problem}",)


class InvalidSpecError(BadInputError):
    """A spec that failed validation; `problems` is the formatted list of what is wrong
    (field, value and what is allowed for each), as `describe_error` writes it."""

    def __init__(self, problems: str, field: str = "spec") -> None:
        self.field = field
        self.value = None
        self.allowed = problems
        self.reason = ""
        ValueError.__init__(self, problems)


class ResourceLimitError(BadInputError):
    """A request that would need more memory, elements or time than is reasonable."""


class ModelRangeError(PhotodoseError, ValueError):
    """Valid input outside the range where a model is valid; names the model and why."""

    def __init__(self, model: str, problem: str) -> None:
        self.model = model
        self.problem = problem
        super().__init__(f"{model}: {problem}")
