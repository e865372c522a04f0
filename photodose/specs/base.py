"""The base of every spec: frozen, validated, serialisable to JSON and TOML.

A spec describes a problem and computes nothing. Validation errors name the field,
the value given and the allowed range (pydantic's messages carry the constraint;
`describe_error` lays them out one per line for the CLI).

Variants are made only through validation: `spec.updated(...)` (nested paths allowed)
re-validates the whole spec, and `model_copy(update=...)` does the same (pydantic's own
`model_copy` would skip validation, so a layer of -3 mm could slip through).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

import tomli_w
from pydantic import BaseModel, ConfigDict, ValidationError

from photodose.errors import BadInputError


class Spec(BaseModel):
    """Immutable, validated description; `updated(...)` makes validated variants."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    def updated(self, changes: Mapping[str, Any] | None = None, /, **fields: Any) -> Self:
        """A validated copy with some fields changed.

        Keys are field names or dotted paths into nested specs and sequences, given as a
        mapping or as keywords (a dotted keyword needs `**{...}`)::

            stack.updated(n_above=1.33)
            simulation.updated({"stack.layers.0.thickness_mm": 2.0, "seed": 7})
            site.updated(**{"nerve.depth_mm": 9.0})

        The whole spec is validated again: a bad value raises pydantic's ValidationError
        naming the full path, the value and what is allowed. A nested value may itself be
        a spec or a plain dict."""
        everything = {**(changes or {}), **fields}
        if not everything:
            return self
        data = _shallow(self)
        for path, value in everything.items():
            _assign(data, path.split("."), value, path)
        return type(self).model_validate(data)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with `update`, a validated one (as `updated`): a spec is never made
        from unchecked values."""
        if update:
            return self.updated(update)
        return super().model_copy(deep=deep)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    @classmethod
    def from_json(cls, text: str) -> Self:
        return cls.model_validate_json(text)

    def to_toml(self) -> str:
        return tomli_w.dumps(_drop_none(self.model_dump(mode="json")))

    @classmethod
    def from_toml(cls, text: str) -> Self:
        return cls.model_validate(tomllib.loads(text))

    def save(self, path: str | Path) -> None:
        """Write as TOML or JSON, chosen by the file's suffix."""
        path = Path(path)
        text = self.to_toml() if path.suffix.lower() == ".toml" else self.to_json()
        path.write_text(text, encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Self:
        """Read a TOML or JSON file, chosen by the file's suffix."""
        path = Path(path)
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".toml":
            return cls.from_toml(text)
        return cls.from_json(text)


def _shallow(value: Any) -> Any:
    """One level of a spec as a dict of its fields (a sequence as a list); deeper levels
    stay as they are, so only the path being changed is rebuilt."""
    if isinstance(value, BaseModel):
        return {name: getattr(value, name) for name in type(value).model_fields}
    if isinstance(value, list | tuple):
        return list(value)
    return value


def _assign(data: dict[str, Any] | list[Any], parts: list[str], value: Any, path: str) -> None:
    key: str | int = parts[0]
    if isinstance(data, list):
        if not parts[0].lstrip("-").isdigit() or not -len(data) <= int(parts[0]) < len(data):
            raise BadInputError(path, value, f"no item {parts[0]!r}: {len(data)} items here")
        key = int(parts[0])
    elif parts[0] not in data:
        raise BadInputError(path, value, f"no field {parts[0]!r}; fields: {', '.join(data)}")
    if len(parts) == 1:
        data[key] = value  # type: ignore[index]
        return
    child = _shallow(data[key])  # type: ignore[index]
    if not isinstance(child, dict | list):
        raise BadInputError(path, value, f"{parts[0]!r} holds a value, not fields")
    _assign(child, parts[1:], value, path)
    data[key] = child  # type: ignore[index]


def _drop_none(value: Any) -> Any:
    # TOML has no null: an absent key reads back as the field's default (None).
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def describe_error(error: ValidationError, source: str = "", *, one_line: bool = False) -> str:
    """The one formatter for validation errors: `where: field = value: what is allowed`
    per problem, one per line (or joined by "; " with `one_line`, as the CLI shows it)."""
    prefix = f"{source}: " if source else ""
    items = error.errors()
    locations = [tuple(item["loc"]) for item in items]
    lines = []
    for item in items:
        loc = tuple(item["loc"])
        # a container's error repeats a more specific one below it: keep the specific one
        if any(other != loc and other[: len(loc)] == loc for other in locations):
            continue
        field = ".".join(str(part) for part in item["loc"])
        # a model validator's own message already names its field and value
        message = " ".join(str(item["msg"]).removeprefix("Value error, ").split())
        value = item.get("input")
        if not field or isinstance(value, dict) or item["type"] == "value_error":
            lines.append(f"{prefix}{field + ': ' if field else ''}{message}")
            continue
        shown = json.dumps(value, default=str)
        lines.append(f"{prefix}{field} = {shown}: {message}")
    return ("; " if one_line else "\n").join(lines)
