"""The examples in README.md and docs/*.md that are marked runnable are run, so the docs
cannot drift from the code.

A fenced block whose info string is `sh test` or `python test` is runnable (renderers
use the first word for highlighting). All runnable blocks of one file run in order in one
temporary folder: shell blocks with bash -euo pipefail, with `photodose` calling this
interpreter's `python -m photodose.cli`; Python blocks in one namespace, so a later block
may use an earlier one's names and files.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.S | re.M)
RUNNABLE = {"sh test": "sh", "python test": "python"}


def runnable_blocks(path: Path) -> list[tuple[str, str, int]]:
    """(language, code, line number) of each runnable block, in order."""
    text = path.read_text(encoding="utf-8")
    blocks = []
    for match in FENCE.finditer(text):
        language = RUNNABLE.get(" ".join(match["info"].split()))
        if language is not None:
            line = text.count("\n", 0, match.start()) + 1
            blocks.append((language, match["body"], line))
    return blocks


DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
WITH_EXAMPLES = [path for path in DOCUMENTS if runnable_blocks(path)]


def test_the_fence_parser_finds_marked_blocks_only():
    text = "x\n```python\nskipped\n```\n```sh test\necho a\n```\n```python test\nb = 1\n```\n"
    sample = ROOT / "tests" / "docs" / "_sample.md"
    try:
        sample.write_text(text)
        assert [(lang, code) for lang, code, _ in runnable_blocks(sample)] == [
            ("sh", "echo a\n"), ("python", "b = 1\n"),
        ]  # fmt: skip
    finally:
        sample.unlink()


def test_docs_have_runnable_examples():
    names = {path.name for path in WITH_EXAMPLES}
    assert {"simulate.md", "mcml.md"} <= names


@pytest.mark.parametrize("document", WITH_EXAMPLES, ids=lambda path: path.name)
def test_examples_run(document, tmp_path, monkeypatch):
    prelude = f'photodose() {{ "{sys.executable}" -m photodose.cli "$@"; }}\n'
    namespace: dict[str, object] = {"__name__": f"docs_{document.stem}"}
    monkeypatch.chdir(tmp_path)
    for language, code, line in runnable_blocks(document):
        where = f"{document.relative_to(ROOT)}:{line}"
        if language == "sh":
            done = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", prelude + code],
                capture_output=True, text=True, timeout=600, cwd=tmp_path,
            )  # fmt: skip
            assert done.returncode == 0, f"{where}\n{done.stdout}\n{done.stderr}"
        else:
            exec(compile(code, where, "exec"), namespace)  # noqa: S102
