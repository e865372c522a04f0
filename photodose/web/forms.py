"""Reading an instrument's answers from an HTML form: each field named after the item id,
its value parsed back to the type the instrument's template allows. Scoring stays in
clinic/scoring; an empty field is a missing answer (which gives no total)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from photodose.errors import BadInputError

Answer = int | float | bool | str | None


def _parse(item: dict[str, Any], raw: str) -> Answer:
    if raw == "":
        return None
    for allowed in item.get("allowed", []):
        if str(allowed).lower() == raw.lower() or (isinstance(allowed, bool)
                                                   and raw == ("1" if allowed else "0")):
            return allowed  # type: ignore[no-any-return]
    if "allowed" in item:
        return raw  # refused by the instrument with the allowed values named
    try:
        number = float(raw)
    except ValueError:
        return raw
    return int(number) if number.is_integer() else number


def form_answers(template: dict[str, Any], form: Mapping[str, Any]) -> dict[str, Answer]:
    return {item["id"]: _parse(item, str(form.get(f"item_{item['id']}", "")).strip())
            for item in template["items"]}  # fmt: skip


def form_moment(form: Mapping[str, Any], name: str, kind: type[dt.date]) -> dt.date:
    """A date or datetime field of a form (ISO 8601); BadInputError naming the field."""
    raw = str(form.get(name, "")).strip()
    try:
        return kind.fromisoformat(raw)
    except ValueError:
        shape = "YYYY-MM-DDTHH:MM" if kind is dt.datetime else "YYYY-MM-DD"
        raise BadInputError(name, raw, f"a {kind.__name__} as {shape}") from None
