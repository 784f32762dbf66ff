"""YAML loading that remembers line numbers, so a validation error can point at its line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from core.yaml_load import FastSafeLoader, load_with


class LineDict(dict[Any, Any]):
    """A mapping from YAML that knows the line of each key (1-based) and of itself."""

    line: int
    key_lines: dict[Any, int]


class _LineLoader(FastSafeLoader):
    pass


class _ExactLineLoader(yaml.SafeLoader):
    """The Python parser, for its error messages (core/yaml_load.py)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    result = LineDict(loader.construct_mapping(node, deep=True))
    result.line = node.start_mark.line + 1
    result.key_lines = {key.value: key.start_mark.line + 1 for key, _ in node.value}
    return result


for _loader in (_LineLoader, _ExactLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_with_lines(text: str) -> Any:
    return load_with(text, _LineLoader, _ExactLineLoader)


def line_of(raw: Any, loc: Sequence[int | str]) -> int | None:
    """The line of the deepest mapping key along `loc` (a pydantic error location)."""
    line: int | None = raw.line if isinstance(raw, LineDict) else None
    node = raw
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            line = node.line if isinstance(node, LineDict) else line
        else:
            break
    return line
