"""Many workspaces: Slack's OAuth install flow, with installations and states in our database.

slack_sdk ships sync and async SQLAlchemy stores; we use the async ones
(`AsyncSQLAlchemyInstallationStore`, `AsyncSQLAlchemyOAuthStateStore`) on the bot's own
AsyncEngine, so installs live in the same database as everything else and no thread pool or
second engine is needed. Their tables are created by our Alembic migration 0005, not by the
stores' `create_tables()`, and `alembic check` compares that migration with the SDK's current
table definitions (see `oauth_metadata`), so an SDK upgrade that changes them is noticed.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# The bot scopes of deploy/slack/manifest.yml.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "files:write",
    "channels:history",
    "groups:history",
    "im:history",
    "im:read",
    "im:write",
    "users:read",
)
STATE_SECONDS = 600  # an install link is good for ten minutes


@dataclass(frozen=True)
class SlackOAuth:
    client_id: str
    client_secret: str
    redirect_uri: str | None = None  # only if the app lists several redirect URLs
    scopes: tuple[str, ...] = BOT_SCOPES


def installation_store(oauth: SlackOAuth, engine: AsyncEngine) -> AsyncSQLAlchemyInstallationStore:
    return AsyncSQLAlchemyInstallationStore(client_id=oauth.client_id, engine=engine)


def oauth_settings(
    oauth: SlackOAuth, engine: AsyncEngine, store: AsyncSQLAlchemyInstallationStore
) -> AsyncOAuthSettings:
    """Bolt's install flow, storing installations in `store` (shared with the Messenger)."""
    return AsyncOAuthSettings(
        client_id=oauth.client_id,
        client_secret=oauth.client_secret,
        scopes=list(oauth.scopes),
        redirect_uri=oauth.redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=store,
        installation_store_bot_only=True,  # the bot acts; no user tokens are kept
        state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine),
    )


def oauth_metadata() -> MetaData:
    """The SDK's own definitions of its tables, for `alembic check`."""
    metadata = MetaData()
    stores = AsyncSQLAlchemyInstallationStore
    stores.build_installations_table(metadata, stores.default_installations_table_name)
    stores.build_bots_table(metadata, stores.default_bots_table_name)
    states = AsyncSQLAlchemyOAuthStateStore
    states.build_oauth_states_table(metadata, states.default_table_name)
    return metadata
