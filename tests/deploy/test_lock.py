"""The lock files pin, with hashes, every dependency pyproject.toml names, inside its range, and
every install path (make, CI, the Dockerfile) installs from them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYTHON = {"python_version": "3.11", "python_full_version": "3.11.0"}


def pins(lock: str) -> dict[str, tuple[Version, int]]:
    """name -> (version, hash count) for the pins that apply on Python 3.11 (Linux)."""
    text = (ROOT / lock).read_text().replace("\\\n", " ")
    found: dict[str, tuple[Version, int]] = {}
    for line in text.splitlines():
        if not line or line[0] in "# ":
            continue
        spec, _, marker = line.split(" --hash")[0].partition(";")
        if marker.strip() and not Marker(marker.strip()).evaluate(PYTHON):
            continue
        name, _, version = spec.strip().partition("==")
        found[canonicalize_name(name)] = (Version(version), line.count("--hash=sha256:"))
    return found


def declared(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return [Requirement(r) for r in listed]


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("requirements.lock", declared()),
        ("requirements-dev.lock", declared() + declared("dev")),
    ],
)
def test_every_declared_dependency_is_pinned_in_range_with_hashes(
    lock: str, requirements: list[Requirement]
) -> None:
    locked = pins(lock)
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement} is not in {lock}: run `make lock`"
        version, hashes = locked[name]
        assert requirement.specifier.contains(version), f"{lock} pins {name}=={version}"
        assert hashes > 0, f"{name} has no hash in {lock}"


def test_runtime_and_dev_locks_agree() -> None:
    dev = pins("requirements-dev.lock")
    for name, (version, _) in pins("requirements.lock").items():
        assert dev[name][0] == version, name


@pytest.mark.parametrize(
    ("path", "lock"),
    [("Makefile", "requirements-dev.lock"), ("deploy/Dockerfile", "requirements.lock")],
)
def test_installs_come_from_the_lock(path: str, lock: str) -> None:
    text = (ROOT / path).read_text()
    assert re.search(rf"pip install [^\n]*--require-hashes -r {re.escape(lock)}", text)
    # gigguard itself goes on top without resolving its dependencies again.
    project = [line for line in re.findall(r"pip install [^\n]*", text) if line.endswith(" .")]
    assert project and all("--no-deps" in line for line in project), project
