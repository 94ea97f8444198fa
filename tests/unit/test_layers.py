"""The layer rules of design.md: no Qt below console/ui, no httpx in console/ui, imports go one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "console"
ORDER = ["core", "http", "vendors", "sandbox", "services", "ui", "app"]
# What each layer may import from console (design.md table); cli sits beside app.
ALLOWED = {
    "core": {"core"},
    "http": {"core", "http"},
    "vendors": {"core", "http", "vendors"},
    "sandbox": {"core", "http", "vendors", "sandbox"},
    "services": {"core", "http", "vendors", "services"},
    "ui": {"core", "services", "ui"},  # HTTP types reach the UI through console.services.activity
}
# Modules allowed to import a layer their own may not (typing-only imports count too: the dependency is
# there all the same). None today: keep it that way.
EXCEPTIONS: dict[str, set[str]] = {}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py") if len(rel.parts) > 1 else rel.stem


def test_there_are_modules() -> None:
    assert len(_modules()) > 20


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layer_rules(path: Path) -> None:
    layer = _layer(path)
    imports = _imports(path)
    if layer not in ("ui", "app"):
        assert not [m for m in imports if m.split(".")[0] in ("PySide6", "qasync", "shiboken6")], \
            f"{path.name} imports Qt below console/ui"
    if layer == "ui":
        assert not [m for m in imports if m.split(".")[0] in ("httpx", "httpcore")], f"{path.name} imports httpx"
    if layer in ALLOWED:
        used = {m.split(".")[1] for m in imports if m.startswith("console.") and len(m.split(".")) > 1}
        used = {u.removesuffix(".py") for u in used}
        bad = used - ALLOWED[layer] - EXCEPTIONS.get(path.relative_to(PACKAGE).as_posix(), set())
        assert not bad, f"{path.relative_to(PACKAGE)} ({layer}) imports {sorted(bad)}"


def test_vendor_packages_do_not_import_each_other() -> None:
    vendors = [p for p in (PACKAGE / "vendors").iterdir() if p.is_dir() and (p / "__init__.py").exists()]
    names = {p.name for p in vendors}
    for pkg in vendors:
        for path in pkg.rglob("*.py"):
            for module in _imports(path):
                parts = module.split(".")
                if len(parts) > 2 and parts[:2] == ["console", "vendors"] and parts[2] in names:
                    assert parts[2] == pkg.name, f"{path} imports vendor {parts[2]}"
