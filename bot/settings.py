"""All configuration, read once from the environment (and `.env`) by pydantic-settings."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.pacing import DEFAULT_CEILING

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/gigguard.db"
# SQLite has one writer: one pooled connection queues writers fairly in asyncio, and a few
# commands at once keep the FAQ's CPU work overlapping the database's. PostgreSQL serves many
# connections; each process keeps two beyond its command slots for the background tasks.
SQLITE_POOL, SQLITE_COMMANDS = 1, 8
POSTGRES_COMMANDS, POSTGRES_SPARE_CONNECTIONS = 10, 2
# Where an interactive console logs when GIGGUARD_LOG_FILE is unset: not on its screen.
CONSOLE_LOG_FILE = Path("data/gigguard-console.log")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        DEFAULT_DATABASE_URL, validation_alias=AliasChoices("GIGGUARD_DATABASE_URL")
    )
    stale_days: int = Field(180, ge=1, validation_alias="GIGGUARD_STALE_DAYS")
    # The community's language for members whose own is unknown (en, es or pt).
    default_language: Literal["en", "es", "pt"] = Field(
        "en", validation_alias="GIGGUARD_DEFAULT_LANGUAGE"
    )
    # A community's own FAQ entries and notes (faq.yaml, notes.yaml, sources.yaml).
    knowledge_dir: Path | None = Field(None, validation_alias="GIGGUARD_KNOWLEDGE_DIR")
    log_level: str = Field("INFO", validation_alias="GIGGUARD_LOG_LEVEL")
    log_json: bool = Field(False, validation_alias="GIGGUARD_LOG_JSON")
    # Log to this file instead of stderr.
    log_file: Path | None = Field(None, validation_alias="GIGGUARD_LOG_FILE")
    # Set to serve /healthz and /metrics from `gigguard run`; 0 picks a free port (tests).
    http_port: int | None = Field(None, ge=0, le=65535, validation_alias="GIGGUARD_HTTP_PORT")
    # The most messages per second the worker sends to one workspace, whatever pace it learns.
    max_send_rate: float = Field(
        DEFAULT_CEILING, gt=0, le=1000, validation_alias="GIGGUARD_MAX_SEND_RATE"
    )

    # Load: commands running at once, how many may wait and for how long before "busy".
    max_commands: int | None = Field(None, ge=1, validation_alias="GIGGUARD_MAX_COMMANDS")
    command_queue: int = Field(200, ge=0, validation_alias="GIGGUARD_COMMAND_QUEUE")
    busy_after_seconds: float = Field(0.5, ge=0, validation_alias="GIGGUARD_BUSY_AFTER_SECONDS")
    db_pool_size: int | None = Field(None, ge=1, validation_alias="GIGGUARD_DB_POOL_SIZE")
    db_pool_timeout: float = Field(10.0, gt=0, validation_alias="GIGGUARD_DB_POOL_TIMEOUT")
    # Question counts per FAQ topic are written in batches: a crash loses at most this long.
    faq_count_flush_seconds: float = Field(
        30.0, gt=0, validation_alias="GIGGUARD_FAQ_COUNT_FLUSH_SECONDS"
    )
    # Policy updates recorded by another process are seen here at most this much later.
    policy_cache_seconds: float = Field(
        10.0, ge=0, validation_alias="GIGGUARD_POLICY_CACHE_SECONDS"
    )
    # Where moderators reach the dashboard (a reverse proxy in front of GIGGUARD_HTTP_PORT for
    # TLS), e.g. https://gigguard.example.org; unset: no dashboard. https makes cookies Secure.
    public_url: str | None = Field(None, validation_alias="GIGGUARD_PUBLIC_URL")

    # Broadcasts
    # Shortest time between two runs of a recurring broadcast (ISO 8601 such as P1D, PT12H,
    # or seconds).
    min_repeat: dt.timedelta = Field(dt.timedelta(days=1), validation_alias="GIGGUARD_MIN_REPEAT")
    # 2: a broadcast is sent only once a moderator other than its author confirms it.
    broadcast_approvers: int = Field(1, ge=1, le=2, validation_alias="GIGGUARD_BROADCAST_APPROVERS")
    # Broadcasts a community may start per 7 days (a recurring one counts once).
    broadcast_weekly_cap: int = Field(3, ge=1, validation_alias="GIGGUARD_BROADCAST_WEEKLY_CAP")
    # The zone of members who set none, for "at 9am local" broadcasts; unset: UTC.
    default_timezone: str | None = Field(None, validation_alias="GIGGUARD_DEFAULT_TIMEZONE")

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
    # Hear members join, so `/optout welcome on` can DM them; the same privileged intent.
    discord_welcome: bool = Field(False, validation_alias="GIGGUARD_DISCORD_WELCOME")

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None and value not in zoneinfo.available_timezones():
            raise ValueError(f"unknown time zone {value!r}: use an Area/City name")
        return value

    @field_validator("min_repeat")
    @classmethod
    def _positive(cls, value: dt.timedelta) -> dt.timedelta:
        if value <= dt.timedelta(0):
            raise ValueError("GIGGUARD_MIN_REPEAT must be longer than zero")
        return value

    @property
    def uses_sqlite(self) -> bool:
        from sqlalchemy.engine import make_url  # not at import: the light CLI commands skip it

        return make_url(self.database_url).get_backend_name() == "sqlite"

    @property
    def command_slots(self) -> int:
        if self.max_commands is not None:
            return self.max_commands
        return SQLITE_COMMANDS if self.uses_sqlite else POSTGRES_COMMANDS

    @property
    def pool_size(self) -> int:
        if self.db_pool_size is not None:
            return self.db_pool_size
        return SQLITE_POOL if self.uses_sqlite else self.command_slots + POSTGRES_SPARE_CONNECTIONS

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
