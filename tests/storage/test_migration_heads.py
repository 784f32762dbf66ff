"""The start-up shortcut's view of the migration head agrees with Alembic's."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory

from bot.database import alembic_config, migration_heads, upgrade_database


def test_migration_heads_match_alembic() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert migration_heads() == set(script.get_heads())


def test_a_new_database_is_migrated_and_a_current_one_left_alone(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/db.sqlite"
    upgrade_database(url)
    upgrade_database(url)  # at head: returns without Alembic, and without error
    import sqlite3

    with sqlite3.connect(tmp_path / "db.sqlite") as conn:
        found = {r[0] for r in conn.execute("SELECT version_num FROM alembic_version")}
    assert found == migration_heads()
