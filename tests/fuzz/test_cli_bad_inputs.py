"""Every command, fed hand-made bad input: one line naming the input, exit 2, no
traceback, no hang, nothing written outside the output folder, no partial output."""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_inputs import CASES, GOOD_CASES, make_inputs
from cli_runs import run_case, sandbox


def _run(argv: list[str], tmp_path: Path):
    root = sandbox(tmp_path / "box")
    make_inputs(root / "in")
    return run_case(argv, root)


@pytest.mark.parametrize(("argv", "quoted"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_input_is_one_clear_line(argv: list[str], quoted: str, tmp_path: Path) -> None:
    result = _run(argv, tmp_path)
    assert not result.hung, f"no answer within the time bound: {argv}"
    assert not result.traceback, result.stderr
    assert result.exit_code == 2, (result.exit_code, result.stdout[-500:], result.stderr)
    lines = result.error_lines
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert quoted in lines[0], f"{quoted!r} not named in: {lines[0]}"
    assert len(lines[0]) < 600, "the message echoes too much"
    assert result.written == [], f"a failed run wrote {result.written}"


@pytest.mark.parametrize("argv", GOOD_CASES, ids=[" ".join(a) for a in GOOD_CASES])
def test_valid_input_finishes_and_writes_only_its_outputs(argv: list[str], tmp_path: Path) -> None:
    result = _run(argv, tmp_path)
    assert not result.hung, f"no answer within the time bound: {argv}"
    assert not result.traceback, result.stderr
    assert result.exit_code == 0, result.stderr
    assert result.stray_writes == [], result.stray_writes
    assert not any(".part" in name for name in result.written), result.written
