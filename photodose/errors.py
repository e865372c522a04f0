"""photodose's exceptions: one tree, so callers can tell bad input from a bug.

    PhotodoseError                     the root: anything photodose raises on purpose
    ├── BadInputError (ValueError)     a value the user gave is outside what is allowed;
    │   │                              names the field, the value and the allowed range
    │   ├── InputFileError             a file the user named cannot be read as asked
    │   └── ResourceLimitError         a request too large to run (memory, size, time)
    └── ModelRangeError (ValueError)   valid input, but outside where a model holds
                                       (e.g. diffusion theory in a non-scattering layer)

The CLI shows a BadInputError or ModelRangeError as one line and exits with status 2;
the web app answers HTTP 422. Every other exception is a bug and surfaces as one.
Pydantic's ValidationError (a spec field out of range) is bad input too and is
formatted by `photodose.specs.describe_error`.
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
        shown = value if isinstance(value, str) else repr(value)
        message = f"{field} = {shown}: {allowed}"
        if reason:
            message += f" ({reason})"
        super().__init__(message)


class InputFileError(BadInputError):
    """A file cannot be used: missing, a directory, unreadable, or malformed."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        super().__init__("file", str(path), problem)


class ResourceLimitError(BadInputError):
    """A request that would need more memory, elements or time than is reasonable."""


class ModelRangeError(PhotodoseError, ValueError):
    """Valid input outside the range where a model is valid; names the model and why."""

    def __init__(self, model: str, problem: str) -> None:
        self.model = model
        self.problem = problem
        super().__init__(f"{model}: {problem}")
