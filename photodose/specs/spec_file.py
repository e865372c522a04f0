"""Reading the files users give: text checked, then TOML or JSON parsed, errors naming
the file and the problem (where in the file, when it is a syntax error).

A file is refused, with an `InputFileError` naming it, when it is missing, a folder,
not a regular file, larger than `MAX_TEXT_BYTES`, binary (holds NUL bytes) or not
UTF-8 (the byte and its line and column are named). A UTF-8 byte-order mark, which
some Windows editors write, is accepted and dropped. A spec's format comes from its
suffix, `.toml` or `.json`; any other suffix is refused, never guessed.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from photodose.errors import InputFileError

SPEC_SUFFIXES = (".toml", ".json")
# No spec or MCML file comes near this (an .mco of a 1000 x 1000 grid is ~20 MB).
MAX_TEXT_BYTES = 256 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def read_text(path: str | Path) -> str:
    """The text of a UTF-8 file (byte-order mark dropped), or an InputFileError."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(path, "no such file")
    if path.is_dir():
        raise InputFileError(path, "is a folder, not a file")
    if not path.is_file():
        raise InputFileError(path, "is not a regular file")
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            limit = f"{MAX_TEXT_BYTES / 1e6:.0f} MB"
            raise InputFileError(path, f"is {size / 1e6:.0f} MB; inputs are at most {limit}")
        data = path.read_bytes()
    except PermissionError:
        raise InputFileError(path, "cannot be read (permission denied)") from None
    except OSError as error:
        raise InputFileError(path, f"cannot be read ({error.strerror or error})") from None
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _position(data, nul)
        raise InputFileError(
            path, f"is binary, not a text file (a NUL byte at line {line}, column {column})"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        raise InputFileError(
            path,
            f"is not UTF-8 text (byte 0x{data[error.start]:02x} at line {line}, column "
            f"{column}); save it as UTF-8",
        ) from None


def read_spec_data(path: str | Path) -> dict[str, Any]:
    """A .toml or .json file's contents as a dict (not yet validated)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SPEC_SUFFIXES:
        shown = f"the suffix {suffix!r}" if suffix else "no suffix"
        raise InputFileError(path, f"has {shown}; a spec file is .toml or .json")
    text = read_text(path)
    if suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            # tomllib's message ends "(at line L, column C)"
            raise InputFileError(path, f"is not valid TOML: {error}") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputFileError(
                path,
                f"is not valid JSON: {error.msg} (at line {error.lineno}, column {error.colno})",
            ) from None
        except RecursionError:
            raise InputFileError(path, "is not valid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise InputFileError(path, f"holds a JSON {type(data).__name__}; a spec is an object")
    if not data:
        raise InputFileError(path, "is empty")
    return data
