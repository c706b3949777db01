"""The app's Prometheus metrics, kept and rendered by `prometheus_client`.

The names, labels and meanings are the dashboards' contract: HTTP requests by endpoint
and status, how long Slack waited for our answer on /slack/events (the ack), requests
submitted and decided through Slack, inbox jobs by outcome, the scheduler's ticks,
expiries and warnings, checkpoint prunes, and four gauges read from the store at each
scrape (events waiting, dead letters, the checkpoint store's size and conversations).

One registry per app, not the library's global one, so tests can build several apps
in one process. With PROMETHEUS_MULTIPROC_DIR set (`serve` with ACCESS_AGENT_WORKER=off
beside `access-agent worker` processes), every process writes its counters to files in
that directory and each /metrics adds up all of them (prometheus_client's multi-process
mode): the jobs a worker did show on serve's /metrics. The gauges need no such mode:
they count what the shared store holds, whichever process reads it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values
from prometheus_client import disable_created_metrics as _no_created_series
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

PRUNED_KINDS = ("conversations", "checkpoints")
INBOX_OUTCOMES = ("done", "retry", "dead")
TICK_OUTCOMES = ("ok", "failed")
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0, 5.0)


def multiprocess_values() -> bool:
    """Whether prometheus_client keeps values in files: it decides once, at import, from
    PROMETHEUS_MULTIPROC_DIR in the process environment."""
    return values.ValueClass is not values.MutexValue


class Metrics:
    """What the app counts. `multiproc_dir` (settings.prometheus_multiproc_dir): the
    directory every process of one deployment shares; none for one process alone."""

    def __init__(self, *, multiproc_dir: str | None = None) -> None:
        if multiproc_dir and not multiprocess_values():
            raise RuntimeError(
                "PROMETHEUS_MULTIPROC_DIR must be in the process environment when it starts "
                "(prometheus_client reads it at import; a .env file is read too late)"
            )
        # process-wide and idempotent: `_created` series are not in the dashboards'
        # contract, and multi-process mode has none
        _no_created_series()  # type: ignore[no-untyped-call]
        self.multiproc_dir = multiproc_dir
        self.registry = CollectorRegistry()
        if multiproc_dir:
            Path(multiproc_dir).mkdir(parents=True, exist_ok=True)
            # every process's files, this one's included
            MultiProcessCollector(self.registry, path=multiproc_dir)  # type: ignore[no-untyped-call]
        own = None if multiproc_dir else self.registry  # in files, not also in memory
        self._counters(own)
        self.registry.register(StoreGauges(self))
        self.inbox_waiting: int | None = None  # read from the store at each scrape
        self.inbox_dead: int | None = None  # likewise: dead letters kept (all processes)
        self.checkpoint_bytes: int | None = None  # the checkpoint store, at each scrape
        self.checkpoint_threads: int | None = None

    def _counters(self, registry: CollectorRegistry | None) -> None:
        self._http = Counter(
            "access_agent_http_requests_total",
            "HTTP requests by endpoint and status.",
            ["endpoint", "status"],
            registry=registry,
        )
        self._ack = Histogram(
            "access_agent_slack_ack_seconds",
            "Time to answer Slack on /slack/events (the ack).",
            buckets=ACK_BUCKETS,
            registry=registry,
        )
        self._submitted = Counter(
            "access_agent_requests_submitted_total",
            "Access requests submitted in Slack.",
            registry=registry,
        )
        self._decided = Counter(
            "access_agent_requests_decided_total",
            "Approval decisions made in Slack.",
            ["outcome"],
            registry=registry,
        )
        self._inbox = Counter(
            "access_agent_inbox_jobs_total",
            "Slack events handled by the workers, by outcome.",
            ["outcome"],
            registry=registry,
        )
        self._ticks = Counter(
            "access_agent_scheduler_ticks_total",
            "Scheduler ticks by outcome (failed ones are tried again).",
            ["outcome"],
            registry=registry,
        )
        self._expired = Counter(
            "access_agent_requests_expired_total",
            "Temporary access taken away on time.",
            registry=registry,
        )
        self._warned = Counter(
            "access_agent_expiry_warnings_total",
            "Requests whose holders were warned that their access ends soon.",
            registry=registry,
        )
        self._pruned = Counter(
            "access_agent_checkpoints_pruned_total",
            "Finished or idle conversations deleted from the checkpoint store, and older "
            "checkpoints trimmed from live ones.",
            ["kind"],
            registry=registry,
        )
        self._prune_failed = Counter(
            "access_agent_checkpoint_prune_failures_total",
            "Prunes that failed (tried again on the next scheduler tick).",
            registry=registry,
        )
        for outcome in INBOX_OUTCOMES:  # shown at 0 before the first one, as dashboards expect
            self._inbox.labels(outcome=outcome)
        for kind in PRUNED_KINDS:
            self._pruned.labels(kind=kind)
        self._scheduler = {
            **{outcome: self._ticks.labels(outcome=outcome) for outcome in TICK_OUTCOMES},
            "expired": self._expired,
            "warned": self._warned,
            "prune_failed": self._prune_failed,
        }

    def request(self, endpoint: str, status: int) -> None:
        self._http.labels(endpoint=endpoint, status=str(status)).inc()

    def ack(self, seconds: float) -> None:
        self._ack.observe(seconds)

    def submitted_requests(self, count: int) -> None:
        self._submitted.inc(count)

    def decided(self, outcome: str) -> None:
        self._decided.labels(outcome=outcome).inc()

    def scheduled(self, event: str, count: int = 1) -> None:
        """A scheduler event: a tick `ok` or `failed`, requests `expired` or `warned`,
        or `prune_failed`."""
        self._scheduler[event].inc(count)

    def inbox_job(self, outcome: str) -> None:
        self._inbox.labels(outcome=outcome).inc()

    def checkpoints_pruned(self, conversations: int, checkpoints: int) -> None:
        self._pruned.labels(kind="conversations").inc(conversations)
        self._pruned.labels(kind="checkpoints").inc(checkpoints)

    def render(self) -> str:
        """The Prometheus text format (0.0.4) of everything this app's /metrics shows."""
        return generate_latest(self.registry).decode("utf-8")

    def sample(self, name: str, **labels: str) -> float:
        """One value as /metrics shows it (0 when not there yet): for tests and doctor."""
        found = self.registry.get_sample_value(name, labels)
        return found or 0.0

    def close(self) -> None:
        """At this process's exit: tell the shared directory it is gone (its counters
        stay in the sums; a live gauge of it would go)."""
        if self.multiproc_dir:
            mark_process_dead(os.getpid(), self.multiproc_dir)  # type: ignore[no-untyped-call]


class StoreGauges:
    """The gauges read from the store at each scrape: yielded as they were last read,
    and left out when the store could not be read."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def describe(self) -> list[Metric]:
        return []  # names known only when collected; nothing to check at registration

    def collect(self) -> Iterator[Metric]:
        m = self.metrics
        if m.inbox_waiting is not None:
            yield _gauge(
                "access_agent_inbox_waiting",
                "Slack events taken in and not done yet (all processes).",
                m.inbox_waiting,
            )
        if m.inbox_dead is not None:
            yield _gauge(
                "access_agent_inbox_dead",
                "Slack events given up on (dead letters, kept 7 days; "
                "`access-agent doctor` shows the latest error).",
                m.inbox_dead,
            )
        if m.checkpoint_bytes is not None and m.checkpoint_threads is not None:
            yield _gauge(
                "access_agent_checkpoint_store_bytes",
                "Size of the checkpoint store (SQLite file and WAL, or the PostgreSQL "
                "tables with their indexes).",
                m.checkpoint_bytes,
            )
            yield _gauge(
                "access_agent_checkpoint_threads",
                "Conversations in the checkpoint store.",
                m.checkpoint_threads,
            )


def _gauge(name: str, documentation: str, value: int) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)
