"""All configuration, read once from the environment (and `.env`) by pydantic-settings."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/gigguard.db"


class Platform(StrEnum):
    """Where gigguard can run: the CLI's `--platform` choices."""

    CONSOLE = "console"
    SLACK = "slack"
    DISCORD = "discord"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        DEFAULT_DATABASE_URL, validation_alias=AliasChoices("GIGGUARD_DATABASE_URL")
    )
    stale_days: int = Field(180, ge=1, validation_alias="GIGGUARD_STALE_DAYS")
    # A community's own FAQ entries and notes (faq.yaml, notes.yaml, sources.yaml).
    knowledge_dir: Path | None = Field(None, validation_alias="GIGGUARD_KNOWLEDGE_DIR")
    log_level: str = Field("INFO", validation_alias="GIGGUARD_LOG_LEVEL")
    log_json: bool = Field(False, validation_alias="GIGGUARD_LOG_JSON")
    # Set to serve /healthz and /metrics from `gigguard run`; 0 picks a free port (tests).
    http_port: int | None = Field(None, ge=0, le=65535, validation_alias="GIGGUARD_HTTP_PORT")

    # Slack
    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_client_id: str | None = Field(None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(None, validation_alias="SLACK_CLIENT_SECRET")
    # Only if the app lists several redirect URLs: the one to send installers back to.
    slack_redirect_uri: str | None = Field(None, validation_alias="SLACK_REDIRECT_URI")
    slack_api_url: str | None = Field(None, validation_alias="GIGGUARD_SLACK_API_URL")
    slack_moderators: str = Field("", validation_alias="GIGGUARD_SLACK_MODERATORS")

    # Discord
    discord_token: SecretStr | None = Field(None, validation_alias="DISCORD_TOKEN")
    discord_api_url: str | None = Field(None, validation_alias="GIGGUARD_DISCORD_API_URL")
    discord_gateway_url: str | None = Field(None, validation_alias="GIGGUARD_DISCORD_GATEWAY_URL")
    discord_guild_id: int | None = Field(None, validation_alias="GIGGUARD_DISCORD_GUILD_ID")
    discord_moderator_role: str | None = Field(
        None, validation_alias="GIGGUARD_DISCORD_MODERATOR_ROLE"
    )
    discord_shards: Literal["1", "auto"] | int = Field(
        1, validation_alias="GIGGUARD_DISCORD_SHARDS"
    )
    # Broadcasts to "all"/"pending" also reach members who never used the bot; needs the
    # privileged Server Members intent switched on in the developer portal.
    discord_member_list: bool = Field(False, validation_alias="GIGGUARD_DISCORD_MEMBER_LIST")

    @property
    def slack_moderator_ids(self) -> frozenset[str]:
        return frozenset(part.strip() for part in self.slack_moderators.split(",") if part.strip())

    @property
    def slack_oauth_configured(self) -> bool:
        """Installs to many workspaces through OAuth instead of one SLACK_BOT_TOKEN."""
        return self.slack_client_id is not None and self.slack_client_secret is not None

    @property
    def slack_configured(self) -> bool:
        if self.slack_oauth_configured:
            return self.slack_signing_secret is not None
        return self.slack_bot_token is not None and (
            self.slack_signing_secret is not None or self.slack_app_token is not None
        )

    @property
    def discord_configured(self) -> bool:
        return self.discord_token is not None
