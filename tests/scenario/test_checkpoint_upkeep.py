"""The checkpoint store through the Slack app: the scheduler's prune deletes a submitted
conversation, leaves one a turn holds, and /metrics shows the store's size."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from agent.retention import PruneReport
from domain.ports import FixedClock
from slack_app.agent_wiring import build_runner
from slack_app.blocks.ids import Action
from slack_app.bootstrap import build_runtime
from slack_app.listeners.card import GONE, NOTHING_TO_CANCEL
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import conversation
from slack_app.settings import Settings
from slack_app.testing.signing import SECRET
from slack_app.testing.slack_api import TEAM, FakeSlackAPI, dm_channel
from slack_app.web.server import create_app
from slack_app.worker.checkpoints import Janitor
from tests.scenario.conftest import NOW
from tests.scenario.flows import card_for, requests_of, submit, updated
from tests.scenario.harness import SlackHarness, button

ALEX = "U01ALEX"
THREAD = conversation(TEAM, dm_channel(ALEX))


def deps_of(h: SlackHarness) -> SlackDeps:
    deps: SlackDeps = h.http.app.state.deps  # type: ignore[attr-defined]
    return deps


def prune(h: SlackHarness) -> PruneReport:
    """One prune as the scheduler runs it, on the app's event loop."""
    janitor = Janitor(deps_of(h), keep_idle=timedelta(days=7))
    report: PruneReport = h.http.portal.call(janitor.prune)  # type: ignore[union-attr]
    return report


def gauge(h: SlackHarness, name: str) -> int:
    found = re.search(rf"^{name} ([0-9.e+]+)$", h.http.get("/metrics").text, re.MULTILINE)
    assert found is not None, f"{name} not in /metrics"
    return int(float(found.group(1)))


def test_a_submitted_conversation_is_pruned(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, "github write for 3 days")
    assert deps_of(h).runner.waiting_for(THREAD) == "proposal"
    assert prune(h).deleted == 0  # an open card stays
    assert gauge(h, "access_agent_checkpoint_threads") == 1
    submit(h, ALEX, card)
    updated(h, card, count=2)  # the receipt
    assert len(requests_of(h, "alex.meyer@acme.test")) == 1
    assert prune(h).deleted == 1
    assert deps_of(h).runner.state(THREAD) == {}
    assert gauge(h, "access_agent_checkpoint_threads") == 0
    assert (
        'access_agent_checkpoints_pruned_total{kind="conversations"} 1'
        in h.http.get("/metrics").text
    )
    answered = len(h.slack.calls("chat.update"))
    h.dm(ALEX, "datadog for 3 days")  # the DM goes on afresh
    reply = h.slack.wait_for("chat.update", count=answered + 1)[-1]
    assert "Which Datadog access" in reply.get("text", "")


def test_a_conversation_whose_turn_holds_its_lease_is_left_alone(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, "github write for 3 days")
    submit(h, ALEX, card)
    updated(h, card, count=2)
    lock = deps_of(h).conversation_lock(THREAD)  # as a turn in any process takes it
    h.http.portal.call(lock.__aenter__)  # type: ignore[union-attr]
    try:
        assert prune(h).busy == 1
        assert deps_of(h).runner.state(THREAD) != {}
    finally:
        h.http.portal.call(lock.__aexit__, None, None, None)  # type: ignore[union-attr]
    assert prune(h).deleted == 1


def test_metrics_show_the_checkpoint_store_size(slack: SlackHarness) -> None:
    h = slack
    empty = gauge(h, "access_agent_checkpoint_store_bytes")
    card_for(h, ALEX, "github write for 3 days")
    assert gauge(h, "access_agent_checkpoint_threads") == 1
    assert gauge(h, "access_agent_checkpoint_store_bytes") >= empty > 0


def test_the_store_is_pruned_at_start_up(tmp_path: Path, slack_api: FakeSlackAPI) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'app.db'}",
        slack_signing_secret=SECRET,
        slack_bot_token="xoxb-test",
        slack_api_url=slack_api.url,
        model="offline",
    )
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    runner = build_runner(runtime)
    runner.send(THREAD, "alex.meyer@acme.test", "thanks!")  # ended before this start
    assert runner.state(THREAD) != {}
    with TestClient(create_app(settings, runtime=runtime, runner=runner)) as http:
        h = SlackHarness(http, slack_api, runtime)
        for _ in range(200):  # the first tick runs as the app starts
            if gauge(h, "access_agent_checkpoint_threads") == 0:
                break
            time.sleep(0.05)
        assert gauge(h, "access_agent_checkpoint_threads") == 0


def test_the_card_of_a_pruned_conversation_is_gone_not_someone_elses(slack: SlackHarness) -> None:
    """Pruned while its card still showed (idle past the retention): Submit and Cancel
    say there is nothing left to act on, not that Alex is not the requester."""
    h = slack
    card = card_for(h, ALEX, "github write for 3 days")
    deps_of(h).runner.graph.checkpointer.delete_thread(THREAD)
    submit(h, ALEX, card)
    assert h.slack.wait_for("chat.postEphemeral")[-1]["text"] == GONE
    cancel = button(card.payload, Action.CANCEL)
    h.click(ALEX, cancel, channel=card.channel, ts=card.ts)
    assert h.slack.wait_for("chat.postEphemeral", count=2)[-1]["text"] == NOTHING_TO_CANCEL
    assert requests_of(h, "alex.meyer@acme.test") == []
    with h.runtime.uow() as uow:
        assert "submit.refused" not in [e.action for e in uow.audit.since(0)]
