"""Read a plan report the way a machine would: tags, data attributes, visible text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class ReportPage:
    tags: list[str] = field(default_factory=list)
    quantities: dict[str, str] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)
    attributes: list[tuple[str, str, str]] = field(default_factory=list)
    text: str = ""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ReportPage()
        self._chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.tags.append(tag)
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            self.page.attributes.append((tag, name, value))
        if "data-quantity" in values and "data-value" in values:
            self.page.quantities[values["data-quantity"]] = values["data-value"]
        if "data-check" in values:
            self.page.checks.append(values["data-check"])
        if tag in ("style", "svg"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "svg"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._chunks.append(data)

    def close(self) -> None:
        super().close()
        self.page.text = re.sub(r"\s+", " ", " ".join(self._chunks))


def read_report(html: str) -> ReportPage:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page


def squeeze(text: str) -> str:
    """Whitespace and units as the page's visible text has them (one unit style:
    photodose.views.rows.clinical_text)."""
    from photodose.views.rows import clinical_text

    return clinical_text(re.sub(r"\s+", " ", text).strip())
