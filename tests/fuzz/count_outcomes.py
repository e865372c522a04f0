"""Count outcomes of the hand-made cases (for the issue's closing note):
`python tests/fuzz/count_outcomes.py` prints inputs tried, tracebacks, hangs, stray
writes, partial outputs and wrong exit codes."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bad_inputs import CASES, GOOD_CASES, make_inputs  # noqa: E402
from cli_runs import preload, run_case, sandbox  # noqa: E402


def main() -> None:
    counts = dict.fromkeys(
        ("tried", "tracebacks", "hangs", "stray_writes", "partial_outputs", "not_exit_2",
         "not_one_line_naming_input", "good_failed"), 0)
    verbose = "-v" in sys.argv
    preload()
    slowest: list[tuple[float, str]] = []
    cases = [(argv, quoted, True) for argv, quoted in CASES]
    cases += [(argv, "", False) for argv in GOOD_CASES]
    for argv, quoted, bad in cases:
        with tempfile.TemporaryDirectory() as folder:
            root = sandbox(Path(folder) / "box")
            make_inputs(root / "in")
            result = run_case(argv, root)
        counts["tried"] += 1
        slowest.append((result.elapsed_s, " ".join(argv)[:80]))
        problems = []
        if result.hung:
            problems.append("hang")
            counts["hangs"] += 1
        if result.traceback:
            problems.append("traceback")
            counts["tracebacks"] += 1
        if result.stray_writes:
            problems.append(f"stray {result.stray_writes}")
            counts["stray_writes"] += 1
        if bad:
            if result.written and not result.stray_writes:
                problems.append(f"partial {result.written}")
                counts["partial_outputs"] += 1
            if result.exit_code != 2 and not result.hung:
                problems.append(f"exit {result.exit_code}")
                counts["not_exit_2"] += 1
            lines = result.error_lines
            if not (len(lines) == 1 and quoted in lines[0]):
                problems.append("message")
                counts["not_one_line_naming_input"] += 1
        elif result.exit_code != 0:
            problems.append(f"exit {result.exit_code}")
            counts["good_failed"] += 1
        if verbose and problems:
            last = result.error_lines[-1][:160] if result.error_lines else ""
            print(f"{' '.join(argv)[:90]}: {', '.join(problems)} | {last}")
    print(counts)
    total = sum(elapsed for elapsed, _ in slowest)
    print(f"total {total:.1f} s; slowest:")
    for elapsed, name in sorted(slowest, reverse=True)[:12]:
        print(f"  {elapsed:6.2f} s  {name}")


if __name__ == "__main__":
    main()
