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

from domain.connectors import ConnectorRegistry
from domain.model.directory import Directory
from domain.orgdata.demo import load_demo_org
from domain.orgdata.orgfile import read_org_file
from domain.ports import Clock, SyncReport, SystemClock, UnitOfWork
from domain.store.engine import Engine, make_engine
from domain.store.migrate import migrate
from domain.store.orgsync import import_org
from domain.store.startlock import start_up_lock
from domain.store.uow import SqlUnitOfWork
from slack_app.settings import Settings


@dataclass
class DirectoryCache:
    """The org as a Directory, rebuilt only when the stored org's version moves."""

    uow_factory: Callable[[], UnitOfWork]
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
            return self._directory


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    clock: Clock
    connectors: ConnectorRegistry
    directories: DirectoryCache

    def uow(self) -> UnitOfWork:
        return SqlUnitOfWork(self.engine)

    def directory(self) -> Directory:
        return self.directories.get()


def build_runtime(
    settings: Settings, *, clock: Clock | None = None, load_org: bool = True
) -> Runtime:
    engine = make_engine(settings.database_url)
    runtime = Runtime(
        settings=settings,
        engine=engine,
        clock=clock or SystemClock(),
        connectors=ConnectorRegistry(),
        directories=DirectoryCache(lambda: SqlUnitOfWork(engine)),
    )
    with start_up_lock(engine):
        migrate(engine)
        if load_org:
            ensure_org(runtime)
    return runtime


def ensure_org(runtime: Runtime) -> SyncReport | None:
    """Import the configured org file, or the demo org into an empty database."""
    settings = runtime.settings
    if settings.org_file:
        data = read_org_file(Path(settings.org_file))
    else:
        with runtime.uow() as uow:
            if uow.org.version() != 0 or not settings.demo:
                return None
        data = load_demo_org()
    return import_org(runtime.uow(), data, actor="system", clock=runtime.clock)
