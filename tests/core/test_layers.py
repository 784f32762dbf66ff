"""core's packages import one another without a cycle, so each can be read and changed from the
bottom up (a rule shared by two packages lives below both, e.g. core/progress.py)."""

from __future__ import annotations

import ast
from collections import defaultdict
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "core"


def unit(module: str) -> str | None:
    """The package (core/commands/…) or top-level module (core/ports.py) a module belongs to."""
    parts = module.split(".")
    return parts[1] if parts[0] == "core" and len(parts) > 1 else None


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in CORE.rglob("*.py"):
        source = unit(".".join(path.relative_to(CORE.parent).with_suffix("").parts))
        assert source is not None
        graph[source]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for target in filter(None, map(unit, targets)):
                if target != source:
                    graph[source].add(target)
    return graph


def test_no_import_cycle_between_cores_packages() -> None:
    graph = package_graph()
    assert {"commands", "delivery", "storage", "faq", "knowledge"} <= set(graph)
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise AssertionError(f"import cycle in core: {' -> '.join(exc.args[1])}") from exc


def test_the_shared_rules_sit_below_commands_and_delivery() -> None:
    graph = package_graph()
    assert "commands" not in graph["delivery"]
    for low in ("progress", "services"):
        assert not {"commands", "delivery"} & graph[low], low
