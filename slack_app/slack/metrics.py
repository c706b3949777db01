"""In-process counters and one histogram, rendered in Prometheus' text format.

Small on purpose (no client library): HTTP requests by endpoint and status, how long
Slack waited for our answer on /slack/events (the ack), requests submitted and
decided through Slack, and the scheduler's ticks, expiries and warnings. Per process:
each replica is scraped on its own.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

PRUNED_KINDS = ("conversations", "checkpoints")
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0, 5.0)


def _labels(**labels: str) -> str:
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
    return "{" + inner + "}" if inner else ""


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


@dataclass
class Metrics:
    http: Counter[tuple[str, int]] = field(default_factory=Counter)
    decisions: Counter[str] = field(default_factory=Counter)
    submitted: int = 0
    scheduler: Counter[str] = field(default_factory=Counter)  # ok, failed, expired, warned
    inbox: Counter[str] = field(default_factory=Counter)  # done, retry, dead
    inbox_waiting: int | None = None  # read from the store at each scrape
    inbox_dead: int | None = None  # likewise: dead letters kept (all processes)
    checkpoint_bytes: int | None = None  # the checkpoint store, read at each scrape
    checkpoint_threads: int | None = None
    pruned: Counter[str] = field(default_factory=Counter)  # conversations, checkpoints
    ack_buckets: list[int] = field(default_factory=lambda: [0] * len(ACK_BUCKETS))
    ack_count: int = 0
    ack_sum: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def request(self, endpoint: str, status: int) -> None:
        with self._lock:
            self.http[(endpoint, status)] += 1

    def ack(self, seconds: float) -> None:
        with self._lock:
            self.ack_count += 1
            self.ack_sum += seconds
            for n, bound in enumerate(ACK_BUCKETS):
                if seconds <= bound:
                    self.ack_buckets[n] += 1

    def submitted_requests(self, count: int) -> None:
        with self._lock:
            self.submitted += count

    def decided(self, outcome: str) -> None:
        with self._lock:
            self.decisions[outcome] += 1

    def scheduled(self, event: str, count: int = 1) -> None:
        with self._lock:
            self.scheduler[event] += count

    def inbox_job(self, outcome: str) -> None:
        with self._lock:
            self.inbox[outcome] += 1

    def checkpoints_pruned(self, conversations: int, checkpoints: int) -> None:
        with self._lock:
            self.pruned["conversations"] += conversations
            self.pruned["checkpoints"] += checkpoints

    def render(self) -> str:
        with self._lock:
            lines = [*self._http(), *self._acks(), *self._requests(), *self._scheduler()]
            lines += self._inbox()
            lines += self._checkpoints()
            return "\n".join(lines) + "\n"

    def _http(self) -> list[str]:
        lines = [
            "# HELP access_agent_http_requests_total HTTP requests by endpoint and status.",
            "# TYPE access_agent_http_requests_total counter",
        ]
        for (endpoint, status), n in sorted(self.http.items()):
            labels = _labels(endpoint=endpoint, status=str(status))
            lines.append(f"access_agent_http_requests_total{labels} {n}")
        return lines

    def _acks(self) -> list[str]:
        name = "access_agent_slack_ack_seconds"
        lines = [
            f"# HELP {name} Time to answer Slack on /slack/events (the ack).",
            f"# TYPE {name} histogram",
        ]
        for bound, n in zip(ACK_BUCKETS, self.ack_buckets, strict=True):
            lines.append(f"{name}_bucket{_labels(le=str(bound))} {n}")
        lines.append(f"{name}_bucket{_labels(le='+Inf')} {self.ack_count}")
        lines.append(f"{name}_sum {self.ack_sum:.6f}")
        lines.append(f"{name}_count {self.ack_count}")
        return lines

    def _requests(self) -> list[str]:
        lines = [
            "# HELP access_agent_requests_submitted_total Access requests submitted in Slack.",
            "# TYPE access_agent_requests_submitted_total counter",
            f"access_agent_requests_submitted_total {self.submitted}",
            "# HELP access_agent_requests_decided_total Approval decisions made in Slack.",
            "# TYPE access_agent_requests_decided_total counter",
        ]
        for outcome, n in sorted(self.decisions.items()):
            lines.append(f"access_agent_requests_decided_total{_labels(outcome=outcome)} {n}")
        return lines

    def _inbox(self) -> list[str]:
        jobs = "access_agent_inbox_jobs_total"
        lines = [
            f"# HELP {jobs} Slack events handled by this process's worker, by outcome.",
            f"# TYPE {jobs} counter",
            *(f"{jobs}{_labels(outcome=o)} {self.inbox[o]}" for o in ("done", "retry", "dead")),
        ]
        if self.inbox_waiting is not None:
            waiting = "access_agent_inbox_waiting"
            lines += [
                f"# HELP {waiting} Slack events taken in and not done yet (all processes).",
                f"# TYPE {waiting} gauge",
                f"{waiting} {self.inbox_waiting}",
            ]
        if self.inbox_dead is not None:
            dead = "access_agent_inbox_dead"
            lines += [
                f"# HELP {dead} Slack events given up on (dead letters, kept 7 days; "
                "`access-agent doctor` shows the latest error).",
                f"# TYPE {dead} gauge",
                f"{dead} {self.inbox_dead}",
            ]
        return lines

    def _scheduler(self) -> list[str]:
        ticks = "access_agent_scheduler_ticks_total"
        return [
            f"# HELP {ticks} Scheduler ticks by outcome (failed ones are tried again).",
            f"# TYPE {ticks} counter",
            *(f"{ticks}{_labels(outcome=o)} {self.scheduler[o]}" for o in ("ok", "failed")),
            "# HELP access_agent_requests_expired_total Temporary access taken away on time.",
            "# TYPE access_agent_requests_expired_total counter",
            f"access_agent_requests_expired_total {self.scheduler['expired']}",
            "# HELP access_agent_expiry_warnings_total Requests whose holders were warned "
            "that their access ends soon.",
            "# TYPE access_agent_expiry_warnings_total counter",
            f"access_agent_expiry_warnings_total {self.scheduler['warned']}",
        ]

    def _checkpoints(self) -> list[str]:
        pruned = "access_agent_checkpoints_pruned_total"
        lines = [
            f"# HELP {pruned} Finished or idle conversations deleted from the checkpoint "
            "store, and older checkpoints trimmed from live ones, by this process.",
            f"# TYPE {pruned} counter",
            *(f"{pruned}{_labels(kind=k)} {self.pruned[k]}" for k in PRUNED_KINDS),
            "# HELP access_agent_checkpoint_prune_failures_total Prunes that failed (tried "
            "again on the next scheduler tick).",
            "# TYPE access_agent_checkpoint_prune_failures_total counter",
            f"access_agent_checkpoint_prune_failures_total {self.scheduler['prune_failed']}",
        ]
        if self.checkpoint_bytes is not None and self.checkpoint_threads is not None:
            size, threads = "access_agent_checkpoint_store_bytes", "access_agent_checkpoint_threads"
            lines += [
                f"# HELP {size} Size of the checkpoint store (SQLite file and WAL, or the "
                "PostgreSQL tables with their indexes).",
                f"# TYPE {size} gauge",
                f"{size} {self.checkpoint_bytes}",
                f"# HELP {threads} Conversations in the checkpoint store.",
                f"# TYPE {threads} gauge",
                f"{threads} {self.checkpoint_threads}",
            ]
        return lines
