"""The data files are read by libyaml's C parser; PyYAML's Python parser gives the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from core.knowledge.yaml_lines import LineDict, load_with_lines
from core.yaml_load import FastSafeLoader, load_yaml

CORE = Path(__file__).resolve().parents[2] / "core"
SHIPPED = sorted(CORE.rglob("*.yaml"))


def with_lines(node: Any) -> Any:
    """The document with every mapping's own line and its keys' lines spelled out."""
    if isinstance(node, LineDict):
        return {
            "line": node.line,
            "keys": node.key_lines,
            **{k: with_lines(v) for k, v in node.items()},
        }
    if isinstance(node, list):
        return [with_lines(item) for item in node]
    return node


def test_the_c_parser_is_in_use() -> None:
    assert FastSafeLoader is yaml.CSafeLoader


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(CORE)))
def test_every_shipped_file_reads_the_same_as_with_the_python_parser(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert load_yaml(text) == yaml.safe_load(text)


def test_each_mapping_and_key_knows_its_line() -> None:
    text = "a:\n  b: 1\n  c:\n    - d: 2\n      e: 3\n"
    assert with_lines(load_with_lines(text)) == {
        "line": 1,
        "keys": {"a": 1},
        "a": {
            "line": 2,
            "keys": {"b": 2, "c": 3},
            "b": 1,
            "c": [{"line": 4, "keys": {"d": 4, "e": 5}, "d": 2, "e": 3}],
        },
    }


@pytest.mark.parametrize("load", [load_yaml, load_with_lines])
def test_a_syntax_error_quotes_the_offending_line(load: Any) -> None:
    with pytest.raises(yaml.YAMLError) as caught:
        load("title: ok\nitems: [one, two\n")
    assert "items: [one, two" in str(caught.value)
    assert "line 2" in str(caught.value)
