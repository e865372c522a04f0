"""Reading users' files: every problem names the file and says what is wrong with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from photodose.errors import InputFileError
from photodose.specs import Simulation
from photodose.specs.spec_file import read_spec_data, read_text

SPEC = """photons = 20
[stack]
[[stack.layers]]
name = "slab"
thickness_mm = 0.2
tissue = { mua_per_mm = 1.0, mus_per_mm = 9.0, g = 0.75, n = 1.0 }
"""


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, "bom.toml", "\ufeff" + SPEC)
    assert Simulation.load(path).photons == 20


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("binary.toml", b"photons = 1\n\x00\x01\x02",
         "binary, not a text file (a NUL byte at line 2, column 1)"),
        ("latin.toml", 'name = "d\u00e9"\n'.encode("latin-1"),
         "not UTF-8 text (byte 0xe9 at line 1, column 10)"),
        ("syntax.toml", "photons = = 3\n", "not valid TOML: Invalid value (at line 1, column 11)"),
        ("syntax.json", '{\n "photons": 1,,\n}',
         "not valid JSON: Expecting property name enclosed in double quotes (at line 2, "
         "column 15)"),
        ("list.json", "[1, 2]", "holds a JSON list"),
        ("empty.toml", "", "is empty"),
        ("spec.yaml", "photons: 3\n" + "x" * 10_000,
         "has the suffix '.yaml'; a spec file is .toml or .json"),
        ("spec", SPEC, "has no suffix"),
    ],
)  # fmt: skip
def test_each_problem_names_the_file_and_the_problem(
    tmp_path: Path, name: str, content: str | bytes, words: str
) -> None:
    path = _write(tmp_path, name, content)
    with pytest.raises(InputFileError) as caught:
        read_spec_data(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert words in message
    assert "xxxxxxxxxx" not in message  # the content is never echoed back


def test_a_folder_and_a_missing_file_are_named(tmp_path: Path) -> None:
    (tmp_path / "folder.toml").mkdir()
    with pytest.raises(InputFileError, match="folder.toml: is a folder, not a file"):
        read_text(tmp_path / "folder.toml")
    with pytest.raises(InputFileError, match="nothing.toml: no such file"):
        read_text(tmp_path / "nothing.toml")
