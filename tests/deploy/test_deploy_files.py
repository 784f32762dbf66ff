"""deploy/ stays lint-clean and in step with the app: settings, subcommands, ports."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import AliasChoices
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
# Read by docker compose, not by the bot.
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}


def tool(name: str) -> str:
    """The linters come from the dev extra, next to this interpreter."""
    path = BIN / name
    assert path.exists(), f"{name} is missing: pip install -e '.[dev]'"
    return str(path)


def setting_names() -> set[str]:
    names: set[str] = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        if isinstance(alias, str):
            names.add(alias)
        elif isinstance(alias, AliasChoices):
            names.update(choice for choice in alias.choices if isinstance(choice, str))
    return names


def example_names() -> set[str]:
    text = (DEPLOY / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_dockerfile_is_lint_clean() -> None:
    result = subprocess.run(
        [tool("hadolint"), "--no-color", str(DEPLOY / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_file_matches_the_compose_spec() -> None:
    result = subprocess.run(
        [
            tool("check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(DEPLOY / "docker-compose.yml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_env_example_lists_every_setting_and_nothing_unknown() -> None:
    listed, known = example_names(), setting_names()
    assert known - listed == set(), "add these to deploy/.env.example"
    assert listed - known - COMPOSE_ONLY == set(), "deploy/.env.example names unknown settings"


def test_env_example_loads_and_configures_no_platform_by_accident(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=DEPLOY / ".env.example")  # type: ignore[call-arg]
    assert settings.http_port == 8080
    assert not settings.slack_configured and not settings.discord_configured


def gigguard_invocations(command: str) -> list[list[str]]:
    """Each `gigguard ...` in a shell command line, as its argument list."""
    found = []
    for part in re.split(r"&&|;|\|\|", command):
        words = shlex.split(part)
        words = [w for w in words if w != "exec"]
        if words and Path(words[0]).name == "gigguard":
            found.append(words[1:])
    return found


def dockerfile_commands() -> list[str]:
    text = (DEPLOY / "Dockerfile").read_text()
    commands = []
    for match in re.finditer(r"^(?:CMD|ENTRYPOINT)\s+(\[.*\])\s*$", text, flags=re.MULTILINE):
        words = yaml.safe_load(match.group(1))  # exec form is a JSON array
        commands.append(words[-1] if words[:2] == ["sh", "-c"] else shlex.join(words))
    return commands


def unit_commands() -> list[str]:
    text = (DEPLOY / "gigguard.service").read_text()
    return re.findall(r"^ExecStart(?:Pre)?=(.+)$", text, flags=re.MULTILINE)


@pytest.mark.parametrize("source", ["Dockerfile", "gigguard.service"])
def test_start_commands_name_real_subcommands(source: str) -> None:
    commands = dockerfile_commands() if source == "Dockerfile" else unit_commands()
    invocations = [args for command in commands for args in gigguard_invocations(command)]
    assert [args[:2] for args in invocations] == [["db", "upgrade"], ["run"]]
    for args in invocations:
        result = CliRunner().invoke(cli, [*args, "--help"])
        assert result.exit_code == 0, f"`gigguard {shlex.join(args)}`: {result.output}"


def test_compose_healthcheck_probes_the_port_the_bot_serves() -> None:
    bot = compose()["services"]["bot"]
    port = bot["environment"]["GIGGUARD_HTTP_PORT"]
    probe = " ".join(bot["healthcheck"]["test"])
    assert re.findall(r"127\.0\.0\.1:(\d+)/healthz", probe) == [str(port)]
    assert any(mapping.endswith(f":{port}") for mapping in bot["ports"])


def test_compose_bot_waits_for_a_healthy_postgres() -> None:
    services = compose()["services"]
    assert services["bot"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    url = services["bot"]["environment"]["GIGGUARD_DATABASE_URL"]
    assert url.startswith("postgresql+asyncpg://") and "@db:5432/" in url


def test_dockerfile_healthcheck_reads_the_port_setting() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^ENV [^#]*GIGGUARD_HTTP_PORT=8080", text, flags=re.MULTILINE | re.DOTALL)
    assert "os.environ['GIGGUARD_HTTP_PORT']" in text and "/healthz" in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not here")
def test_systemd_unit_verifies(tmp_path: Path) -> None:
    # verify wants the executables to exist: point /opt/gigguard at a stand-in tree.
    home = tmp_path / "gigguard"
    (home / ".venv" / "bin").mkdir(parents=True)
    (home / ".venv" / "bin" / "gigguard").symlink_to(BIN / "gigguard")
    unit = tmp_path / "gigguard.service"
    unit.write_text((DEPLOY / "gigguard.service").read_text().replace("/opt/gigguard", str(home)))
    result = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
