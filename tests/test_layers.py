"""Issue 11's shape: dealkit is layers, each a subpackage, and imports only go downward.

Every ``import`` of every module (at the top or inside a function) is read with ``ast``; an import
of a module in a higher layer, or of a top-level facade kept for users (``dealkit.notes`` …), is
refused. The limits a reader can hold in their head are checked too: no module over
:data:`MAX_MODULE_LINES` lines, no function over :data:`MAX_FUNCTION_LINES`."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dealkit"

#: Lowest first. A module may import its own layer and any layer below it.
LAYERS = ["errors", "core", "deal", "params", "market", "rules", "engines", "present", "export", "report", "app", "cli"]
RANK = {name: i for i, name in enumerate(LAYERS)}
#: The top-level modules kept so users' code and notebooks keep working (README, "Public API"):
#: each re-exports a layer's names; nothing inside the package may import them.
FACADES = {
    "notes",
    "option",
    "escrow",
    "loader",
    "option_engine",
    "obligations",
    "collateral",
    "risk",
    "risk_engine",
    "risk_charts",
    "risk_widgets",
    "sweep",
    "money",
    "calendar",
    "model",
    "review",
    "resources",
    "captable",
    "fmt",
    "charts",
    "widgets",
    "display",
    "overview",
    "bundle",
    "xlsx",
    "ocf",
    "kernels",
    "runguard",
    "landing",
    "summary",
}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _layer(path: Path) -> str | None:
    rel = path.relative_to(PACKAGE).with_suffix("").parts
    if rel[0] == "__init__" or (len(rel) == 1 and rel[0] in FACADES):
        return None  # the package's front door and the facades re-export from the layers
    return rel[0]


def _imported(tree: ast.AST, path: Path) -> list[tuple[int, str]]:
    here = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = here if here[-1] == "__init__" else here[:-1]
    package = [p for p in package if p != "__init__"]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out += [(node.lineno, f"{mod}.{a.name}") for a in node.names]
    return [(line, m) for line, m in out if m == "dealkit" or m.startswith("dealkit.")]


def _violations(path: Path) -> list[str]:
    layer = _layer(path)
    if layer is None:
        return []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for line, mod in _imported(tree, path):
        parts = mod.split(".")
        if len(parts) < 2:
            continue
        target = parts[1]
        where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {mod}"
        if target in FACADES:
            found.append(f"{where} (a facade for users: import the layer's module)")
        elif target in RANK and layer in RANK and RANK[target] > RANK[layer]:
            found.append(f"{where} ({target} is above {layer})")
    return found


def test_every_module_belongs_to_a_layer():
    strays = [
        p.relative_to(PACKAGE.parent).as_posix() for p in _modules() if _layer(p) is not None and _layer(p) not in RANK
    ]
    assert strays == []


def test_imports_only_go_downward():
    assert [v for p in _modules() for v in _violations(p)] == []


def test_the_check_sees_an_upward_import(tmp_path):
    # a rule importing presentation is caught (the test is not vacuous)
    fake = PACKAGE / "rules" / "_probe_upward.py"
    tree = ast.parse("from dealkit.present import fmt\nfrom ..report.runner import run_report\n")
    found = [m for _, m in _imported(tree, fake)]
    assert found == ["dealkit.present.fmt", "dealkit.report.runner.run_report"]
    assert RANK["present"] > RANK["rules"] and RANK["report"] > RANK["rules"]


def test_facades_are_thin():
    for name in sorted(FACADES):
        path = PACKAGE / f"{name}.py"
        if path.exists():
            tree = ast.parse(path.read_text(encoding="utf-8"))
            # a module-level __getattr__ (PEP 562) that re-exports lazily is allowed: it defines no logic
            defs = [
                n.name
                for n in tree.body
                if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and n.name != "__getattr__"
            ]
            assert defs == [], f"dealkit/{name}.py defines {defs}: logic belongs in a layer"


def _long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(PACKAGE.parent)}:{n.lineno} {n.name} ({n.end_lineno - n.lineno + 1} lines)"
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > MAX_FUNCTION_LINES
    ]


def test_no_module_is_too_long():
    long = [
        f"{p.relative_to(PACKAGE.parent)} ({n} lines)"
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert long == []


def test_no_function_is_too_long():
    assert [f for p in _modules() for f in _long_functions(p)] == []
