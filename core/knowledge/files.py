"""Reading one knowledge file: YAML with line numbers, validated; errors name file, line, field."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from core.errors import GigguardError
from core.knowledge.yaml_lines import line_of, load_with_lines

Model = TypeVar("Model", bound=BaseModel)


class KnowledgeError(GigguardError):
    """A knowledge file is missing, unreadable or invalid."""


def read_yaml(path: Path) -> Any:
    try:
        return load_with_lines(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise KnowledgeError(f"{path}: file is missing") from exc
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML: {exc}") from exc


def describe(exc: ValidationError, raw: Any = None, prefix: str = "") -> str:
    problems = []
    for err in exc.errors():
        field = ".".join(str(part) for part in (prefix, *err["loc"]) if part != "")
        line = line_of(raw, err["loc"])
        where = f"line {line}, " if line else ""
        problems.append(f"{where}field {field or '(top level)'}: {err['msg']}")
    return "; ".join(problems)


def validate(model: type[Model], raw: Any, path: Path, prefix: str = "") -> Model:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise KnowledgeError(f"{path}: {describe(exc, raw, prefix)}") from exc


def validate_list(model: type[Model], path: Path) -> list[Model]:
    raw = read_yaml(path)
    if not isinstance(raw, list):
        raise KnowledgeError(f"{path}: expected a list of entries")
    return [validate(model, item, path, prefix=f"[{i}]") for i, item in enumerate(raw)]
