"""The metrics of one app: its own registry, the dashboards' names, a clear refusal of a
multi-process directory prometheus_client never saw."""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from slack_app.web.metrics import Metrics

CONTRACT = {  # name -> type, as dashboards read them
    "access_agent_http_requests": "counter",
    "access_agent_slack_ack_seconds": "histogram",
    "access_agent_requests_submitted": "counter",
    "access_agent_requests_decided": "counter",
    "access_agent_inbox_jobs": "counter",
    "access_agent_scheduler_ticks": "counter",
    "access_agent_requests_expired": "counter",
    "access_agent_expiry_warnings": "counter",
    "access_agent_checkpoints_pruned": "counter",
    "access_agent_checkpoint_prune_failures": "counter",
    "access_agent_inbox_waiting": "gauge",
    "access_agent_inbox_dead": "gauge",
    "access_agent_checkpoint_store_bytes": "gauge",
    "access_agent_checkpoint_threads": "gauge",
}


def families(metrics: Metrics) -> dict[str, str]:
    return {f.name: f.type for f in text_string_to_metric_families(metrics.render())}


def test_every_metric_keeps_its_name_and_type() -> None:
    metrics = Metrics()
    metrics.inbox_waiting = metrics.inbox_dead = 0
    metrics.checkpoint_bytes, metrics.checkpoint_threads = 4096, 1
    assert families(metrics) == CONTRACT


def test_a_gauge_the_store_could_not_give_is_left_out() -> None:
    assert "access_agent_inbox_waiting" not in families(Metrics())


def test_two_apps_in_one_process_count_apart() -> None:
    first, second = Metrics(), Metrics()
    first.scheduled("ok")
    first.scheduled("expired", 2)
    assert first.sample("access_agent_scheduler_ticks_total", outcome="ok") == 1
    assert first.sample("access_agent_requests_expired_total") == 2
    assert second.sample("access_agent_scheduler_ticks_total", outcome="ok") == 0


def test_a_multiprocess_directory_prometheus_client_never_saw_is_refused(
    tmp_path: Path,
) -> None:
    """Here PROMETHEUS_MULTIPROC_DIR is not in the environment (as when it is only in
    .env): counting in memory while serve reads files would lose the workers' counts."""
    with pytest.raises(RuntimeError, match="PROMETHEUS_MULTIPROC_DIR"):
        Metrics(multiproc_dir=str(tmp_path))
