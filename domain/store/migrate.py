"""Schema migrations with Alembic, configured in code: no alembic.ini at run time.

`migrate(engine)` upgrades to head and is safe to call on every start, from several
processes at once (PostgreSQL: an advisory lock; SQLite: one writer at a time).
For a new revision during development:

    from alembic import command
    command.revision(alembic_config(), "add X", autogenerate=True)   # needs a connection:
    # with engine.begin() as c: command.revision(alembic_config(c), "add X", autogenerate=True)
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

SCRIPTS = Path(__file__).with_name("migrations")
_LOCK_ID = 0x616363657373  # "access": one advisory lock id for this application's schema


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Upgrade the database to the newest revision, in one transaction."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        command.upgrade(alembic_config(connection), "head")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
