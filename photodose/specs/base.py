"""The base of every spec: frozen, validated, serialisable to JSON and TOML.

A spec describes a problem and computes nothing. Validation errors name the field,
the value given and the allowed range (pydantic's messages carry the constraint;
`describe_error` lays them out one per line for the CLI).
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any, Self

import tomli_w
from pydantic import BaseModel, ConfigDict, ValidationError


class Spec(BaseModel):
    """Immutable, validated description; `model_copy(update=...)` makes variants."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

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
