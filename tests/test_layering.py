"""The layering rule of /work/shared/DESIGN.md (docs/architecture.md), held by reading the
imports of every module: each layer imports only the layers below it (or its own
package), and no modules import each other in a circle."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import photodose

PACKAGE = Path(photodose.__file__).parent

# Bottom to top, as drawn in the architecture document. Packages in one layer may use
# each other (no circles); a layer never uses one above it.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"specs", "units", "errors", "_version", "settings"}),
    frozenset({"optics", "tissue", "devices", "io"}),
    frozenset({"transport"}),
    frozenset({"dose", "thermal", "safety"}),
    frozenset({"planning", "clinic", "sweep"}),
    frozenset({"views"}),
    frozenset({"cli", "web", "report"}),
)
FACE = "__init__"  # photodose/__init__.py: the public face, above everything


def layer_of(part: str) -> int:
    if part == FACE:
        return len(LAYERS)
    for index, members in enumerate(LAYERS):
        if part in members:
            return index
    raise AssertionError(f"photodose.{part} is in no layer: add it to DESIGN.md and LAYERS")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every photodose module `path` imports, wherever in the file (lazy imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # `from photodose.x import y` may import the module photodose.x.y
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "photodose" or name.startswith("photodose.")}


def graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges[name] = {target for target in imports_of(path) if target in modules} - {name}
    return edges


def top(module: str) -> str:
    parts = module.split(".")
    return FACE if len(parts) == 1 else parts[1]


def test_no_layer_imports_a_layer_above_it() -> None:
    upward = []
    for module, targets in graph().items():
        for target in targets:
            if layer_of(top(target)) > layer_of(top(module)):
                upward.append(f"{module} -> {target}")
    assert not upward, "upward imports:\n" + "\n".join(sorted(upward))


def test_no_import_circles() -> None:
    edges = graph()
    # a package's __init__ re-exporting its own modules is not a circle of two modules
    def real(module: str, target: str) -> bool:
        return not (module.startswith(target + ".") or target.startswith(module + "."))

    state: dict[str, int] = {}
    stack: list[str] = []
    circles: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(edges[module]):
            if not real(module, target):
                continue
            if state.get(target) == 1:
                circles.append(" -> ".join([*stack[stack.index(target) :], target]))
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)
    assert not circles, "import circles:\n" + "\n".join(circles)


def loaded_by(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    return set(done.stdout.split())


def test_transport_does_not_load_the_planner() -> None:
    loaded = loaded_by("import photodose.transport")
    higher = sorted(
        name for name in loaded if name.startswith("photodose.") and layer_of(top(name)) > 2
    )
    assert not higher, higher


def test_the_diffusion_fast_path_does_not_load_the_monte_carlo_driver() -> None:
    loaded = loaded_by("import photodose.transport.diffusion_layered")
    assert "photodose.transport.layered" not in loaded
    assert "photodose.transport.layered_kernel" not in loaded
    assert "numba" not in loaded


def test_a_fast_path_plan_does_not_load_numba() -> None:
    """Planning, its report and the CLI's progress bar load the Monte Carlo driver (numba
    and its compiled kernels) only when a Monte Carlo check is asked for."""
    loaded = loaded_by("import photodose.planning, photodose.report.plan_report, "
                       "photodose.views.plan, photodose.cli.progress")  # fmt: skip
    assert "photodose.transport.layered" not in loaded
    assert "numba" not in loaded
