"""`access-agent doctor`: is this installation ready? One line per check, exit 1 on any failure."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from domain.store.engine import make_engine, ping
from domain.store.migrate import current_revision, head_revision, migrate
from domain.store.uow import SqlUnitOfWork
from slack_app.bootstrap import build_runtime
from slack_app.settings import Settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    doctor = commands.add_parser(
        "doctor", help="check configuration, database, migrations, org and model backend"
    )
    doctor.set_defaults(handler=cmd_doctor)


def _safe(name: str, probe: Callable[[], str]) -> Check:
    try:
        return Check(name, True, probe())
    except Exception as exc:
        return Check(name, False, f"{type(exc).__name__}: {exc}")


def _redact(url: str) -> str:
    head, at, tail = url.rpartition("@")
    return f"{head.split(':')[0]}:***@{tail}" if at and ":" in head.split("//")[-1] else url


def checks(settings: Settings) -> list[Check]:
    results = [
        Check(
            "config",
            True,
            f"database {_redact(settings.database_url)}, model {settings.model_backend}",
        )
    ]

    def database() -> str:
        ping(make_engine(settings.database_url))
        return "reachable"

    results.append(_safe("database", database))
    if not results[-1].ok:
        return results

    def migrations() -> str:
        engine = make_engine(settings.database_url)
        migrate(engine)
        current, head = current_revision(engine), head_revision()
        if current != head:
            raise RuntimeError(f"at {current}, head is {head}")
        return f"at head ({head})"

    results.append(_safe("migrations", migrations))

    def org() -> str:
        directory = build_runtime(settings).directory()
        data = directory.data
        ents = sum(len(a.entitlements) for a in data.applications)
        return (
            f"{data.org.name}: {len(data.people)} people, {len(data.applications)} apps, "
            f"{ents} entitlements"
        )

    results.append(_safe("org", org))
    if results[-1].ok:
        results.append(_connectors_check(settings))
    results.append(_safe("checkpoints", lambda: _checkpoints_check(settings)))
    results.append(_safe("model", lambda: _model_check(settings)))
    results.append(_safe("inbox", lambda: _inbox_check(settings)))
    slack = "configured" if settings.slack_bot_token else "not configured (local chat only)"
    results.append(Check("slack", True, slack))
    return results


def _connectors_check(settings: Settings) -> Check:
    """Apps whose connector cannot work (an env var the org file names is unset) fail
    the check: their fulfilment fails until it is set. Nothing is contacted here."""
    from domain.connectors import UnconfiguredConnector, build_connectors

    registry = build_connectors(
        build_runtime(settings).directory(), settings.environ(), timeout=settings.connector_timeout
    )
    registry.close()
    ready = sorted(
        f"{app} ({c.name})"
        for app, c in registry.by_app.items()
        if not isinstance(c, UnconfiguredConnector)
    )
    lines = [f"{i.app_id}: {i.message}" for i in sorted(registry.issues, key=lambda i: -i.blocking)]
    summary = f"ready: {', '.join(ready)}" if ready else "every app fulfilled by hand"
    return Check(
        "connectors", not any(i.blocking for i in registry.issues), "; ".join([summary, *lines])
    )


def _checkpoints_check(settings: Settings) -> str:
    """How big the conversation store is (pruned by the scheduler of serve/socket/worker)."""
    from agent.checkpoint import close_checkpointer, make_checkpointer
    from agent.checkpoint_store import store_of

    saver = make_checkpointer(settings.database_url, pool_size=1)
    try:
        stored = store_of(saver).size()
    finally:
        close_checkpointer(saver)
    days = f"{settings.checkpoint_retention_days:g}"
    return (
        f"{stored.bytes:,} bytes ({stored.bytes / 1e6:.1f} MB), {stored.threads} "
        f"conversations (waiting ones kept {days} days)"
    )


def _model_check(settings: Settings) -> str:
    from agent.models.health import probe

    return probe(
        settings.model_backend,
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        model=settings.openai_model,
    )


def _inbox_check(settings: Settings) -> str:
    """Waiting Slack events and dead letters (events given up on): informational, a
    dead letter does not make the installation unready, but its error is what to fix."""
    with SqlUnitOfWork(make_engine(settings.database_url)) as uow:
        waiting, dead = uow.inbox.waiting(datetime.now(UTC)), uow.inbox.dead()
    summary = f"{waiting} waiting, {dead.count} dead"
    if dead.latest_at is None:
        return summary
    error = (dead.latest_error or "").splitlines()[0][:200] if dead.latest_error else "?"
    return f"{summary} (latest {dead.latest_at:%Y-%m-%d %H:%M} UTC, {dead.latest_key}: {error})"


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    results = checks(settings)
    for check in results:
        mark = "ok  " if check.ok else "FAIL"
        print(f"[{mark}] {check.name:<11} {check.detail}")
    return 0 if all(c.ok for c in results) else 1
