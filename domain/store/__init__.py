"""Persistence on SQLAlchemy: SQLite by default, PostgreSQL in production.

Import from the modules, not from here (this package imports nothing, so
`domain.store.memory` can share the pure `snapshot` module without loading SQLAlchemy's
engine machinery):

- `engine.make_engine(url)`: the engine, with SQLite pragmas or the psycopg driver.
- `migrate.migrate(engine)`, `current_revision(engine)`, `head_revision()`.
- `uow.SqlUnitOfWork(engine)`: the `domain.ports.UnitOfWork` adapter.
- `orgsync.import_org(uow, data, actor=, clock=)`, `orgsync.export_org(uow)`.

Statements are SQLAlchemy Core on purpose: the domain's models are pydantic, the
request aggregate maps to rows in `request_rows`, and an org of 100,000 grants is
read and synced with set-based selects and executemany writes, not per-row objects.
"""
