"""The composition root: one settings object in, every wired component out.

Nothing happens at import. `build_runtime(settings)` makes the engine, applies
migrations, loads the org (the configured file, else the demo org when the
database has none), both under a start-up lock (`domain.store.startlock`: several
processes may start at once on one empty database), and returns the handles the
CLI, the chat and the Slack app use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from domain.connectors import OrgConnectors
from domain.model.directory import Directory
from domain.orgdata.demo import load_demo_org
from domain.orgdata.orgfile import read_org_file
from domain.ports import Clock, Connectors, SyncReport, SystemClock, UnitOfWork
from domain.store.engine import Engine, make_engine
from domain.store.migrate import migrate
from domain.store.orgsync import import_org, sync_org
from domain.store.startlock import start_up_lock
from domain.store.uow import SqlUnitOfWork
from slack_app.settings import Settings


@dataclass
class DirectoryCache:
    """The org as a Directory, rebuilt only when the stored org's version moves."""

    uow_factory: Callable[[], UnitOfWork]
    on_change: list[Callable[[Directory], None]] = field(default_factory=list)
    _version: int = -1
    _directory: Directory | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self) -> Directory:
        with self._lock, self.uow_factory() as uow:
            version = uow.org.version()
            if self._directory is None or version != self._version:
                data = uow.org.load()
                if data is None:
                    raise RuntimeError("no org loaded: run `access-agent org import FILE`")
                self._directory, self._version = Directory(data), version
                for listener in self.on_change:
                    listener(self._directory)
            return self._directory


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    clock: Clock
    connectors: Connectors
    directories: DirectoryCache

    def uow(self) -> UnitOfWork:
        return SqlUnitOfWork(self.engine)

    def directory(self) -> Directory:
        return self.directories.get()


def build_runtime(
    settings: Settings, *, clock: Clock | None = None, load_org: bool = True
) -> Runtime:
    engine = make_engine(settings.database_url)
    clock = clock or SystemClock()
    directories = DirectoryCache(lambda: SqlUnitOfWork(engine))
    connectors = OrgConnectors(
        settings.environ(), load=directories.get, clock=clock, timeout=settings.connector_timeout
    )
    directories.on_change.append(connectors.update)  # an import's new settings take effect
    runtime = Runtime(
        settings=settings,
        engine=engine,
        clock=clock,
        connectors=connectors,
        directories=directories,
    )
    with start_up_lock(engine):
        migrate(engine)
        if load_org:
            ensure_org(runtime)
    if load_org:
        _prime(runtime)
    return runtime


def _prime(runtime: Runtime) -> None:
    """Build the connectors now, outside any transaction (connectors never read the store
    while a use case holds one)."""
    with runtime.uow() as uow:
        if uow.org.version() == 0:
            return
    runtime.directory()


def ensure_org(runtime: Runtime) -> SyncReport | None:
    """Import the configured org file, or the demo org into an empty database. A bad
    file stops the start-up, and is recorded for the alerts channel (`sync_org`)."""
    settings = runtime.settings
    if settings.org_file:
        path = Path(settings.org_file)
        return sync_org(
            runtime.uow(),
            lambda: read_org_file(path),
            source=str(path),
            actor="system",
            clock=runtime.clock,
        )
    else:
        with runtime.uow() as uow:
            if uow.org.version() != 0 or not settings.demo:
                return None
        data = load_demo_org()
    return import_org(runtime.uow(), data, actor="system", clock=runtime.clock)
