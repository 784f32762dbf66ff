"""One composition root: the core and what it shares are built in bot/bootstrap.py alone, and
nothing reassigns them once built (a knowledge reload swaps one object inside the core).

Read from the source, so a second place that wires a core (as bot/runners.py once did, by
reassigning the core's services after the adapters were built) fails here, named by file and
line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.member_directories import MemberDirectories
from core.service import Gigguard

ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP = ROOT / "bot" / "bootstrap.py"
SERVICE = ROOT / "core" / "service.py"
# What holds the application together: built once, by the composition root.
BUILT_BY_BOOTSTRAP_ONLY = {
    "Gigguard",
    "Services",
    "SqlUnitOfWork",
    "MemberDirectories",
    "settings_engine",
}
# The core's state: assigned by Gigguard's constructor, and `_loaded` by `reload` (one swap).
CORE_STATE = {"services", "registry", "_loaded", "admission"}


def production_modules() -> list[Path]:
    return sorted(
        path
        for package in ("bot", "core", "adapters")
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def called_name(call: ast.Call) -> str | None:
    """What a call builds: `X(...)`, `module.X(...)`, or `partial(X, ...)` (built later)."""
    func = call.func
    if isinstance(func, ast.Name) and func.id == "partial" and call.args:
        func = call.args[0]
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"


def test_the_application_is_wired_in_bootstrap_only() -> None:
    elsewhere = [
        f"{where(path, node)} {called_name(node)}(...)"
        for path in production_modules()
        if path != BOOTSTRAP
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and called_name(node) in BUILT_BY_BOOTSTRAP_ONLY
    ]
    assert elsewhere == []
    built = {
        called_name(node)
        for node in ast.walk(ast.parse(BOOTSTRAP.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
    }
    assert built >= BUILT_BY_BOOTSTRAP_ONLY  # the scan looks for names bootstrap really uses


def is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def assigned_attributes(tree: ast.AST, *, own: bool) -> list[tuple[ast.AST, str]]:
    """`x.name = ...` (and setattr) anywhere in `tree`: on `self` only if `own`, else on
    anything but `self` (an object's own attributes are its business)."""
    found: list[tuple[ast.AST, str]] = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        found += [
            (node, t.attr)
            for t in targets
            if isinstance(t, ast.Attribute) and is_self(t.value) is own
        ]
        if isinstance(node, ast.Call) and called_name(node) == "setattr" and len(node.args) > 1:
            subject, name = node.args[0], node.args[1]
            if is_self(subject) is own:
                found.append((node, name.value if isinstance(name, ast.Constant) else "?"))
    return found


def test_nothing_reassigns_the_state_of_a_built_core() -> None:
    reassigned = [
        f"{where(path, node)} .{name} ="
        for path in production_modules()
        for node, name in assigned_attributes(
            ast.parse(path.read_text(encoding="utf-8")), own=False
        )
        if name in CORE_STATE or name == "?"
    ]
    assert reassigned == []


def test_the_core_changes_its_state_only_by_one_swap_on_reload() -> None:
    tree = ast.parse(SERVICE.read_text(encoding="utf-8"))
    (core,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Gigguard"]
    writers = {
        (method.name, name)
        for method in core.body
        if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef)
        for _, name in assigned_attributes(method, own=True)
    }
    assert writers == {("__init__", "_loaded"), ("__init__", "admission"), ("reload", "_loaded")}
    setters = [name for name, value in vars(Gigguard).items() if getattr(value, "fset", None)]
    assert setters == []


def test_a_platform_registers_its_member_directory_once() -> None:
    class Nobody:
        async def member_ids(self, workspace: str) -> list[str]:
            return []

    directories = MemberDirectories()
    first = Nobody()
    directories.register("discord", first)
    with pytest.raises(ValueError, match="already registered"):
        directories.register("discord", Nobody())
    assert dict(directories) == {"discord": first}
