"""Fuzz the Slack edge: whatever arrives at /slack/events, signed or not, well-formed or
not, the answer is never a 5xx; an unsigned request changes nothing at all; and the
store is consistent afterwards.

Run longer with `HYPOTHESIS_PROFILE=long pytest tests/fuzz` (see conftest).
"""

from __future__ import annotations

import logging
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.runner import thread_id
from slack_app.testing.signing import SECRET
from slack_app.testing.slack_api import TEAM, dm_channel
from tests.fuzz.consistency import problems, settle
from tests.fuzz.signing import signed, unsigned
from tests.fuzz.slack_payloads import Body, Places, bodies
from tests.scenario.flows import card_for, requests_of, submit, updated
from tests.scenario.footprint import footprint
from tests.scenario.harness import EVENTS, SlackHarness


def seeded(h: SlackHarness) -> Places:
    """A submitted request (Dana's, for Alex: Victor then Omar approve it), Alex's open
    card and the conversations they are in, for clicks to hit."""
    card = card_for(h, "U01DANA", "alex needs github write for 3 days")
    submit(h, "U01DANA", card)
    updated(h, card, count=2)
    card_for(h, "U01ALEX", "datadog standard for 3 days")
    made = requests_of(h, "dana.kim@acme.test")
    threads = [thread_id("slack", TEAM, dm_channel(u)) for u in ("U01ALEX", "U01DANA")]
    return Places(requests=[r.id for r in made], threads=threads)


def test_unsigned_requests_are_refused_and_change_nothing(
    app: SlackHarness, fuzz_settings: settings
) -> None:
    places = Places(requests=["AR-1"], threads=["slack:t"])
    start = settle(app)
    seen: Counter[int] = Counter()

    @settings(fuzz_settings)
    @given(data=st.data())
    def post(data: st.DataObject) -> None:
        body: Body = data.draw(bodies(places))
        headers, content = data.draw(unsigned(body, SECRET))
        answer = app.http.post(EVENTS, content=content, headers=headers)
        seen[answer.status_code] += 1
        assert answer.status_code == 401, answer.text
        assert footprint(app) == start

    post()
    assert settle(app) == start
    print(f"unsigned: {sum(seen.values())} requests, statuses {dict(seen)}")


# The app's own threads (Slack retries' jitter) use `random` while Hypothesis draws.
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
def test_signed_requests_never_fail_and_leave_the_store_consistent(
    app: SlackHarness, fuzz_settings: settings, caplog: pytest.LogCaptureFixture
) -> None:
    places = seeded(app)
    seen: Counter[tuple[str, int]] = Counter()

    @settings(fuzz_settings)
    @given(data=st.data())
    def post(data: st.DataObject) -> None:
        body: Body = data.draw(bodies(places))
        headers, content = signed(body, SECRET)
        answer = app.http.post(EVENTS, content=content, headers=headers)
        seen[body.kind, answer.status_code] += 1
        assert answer.status_code < 500, answer.text

    with caplog.at_level(logging.ERROR):
        post()
        settle(app)
    assert problems(app) == []
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in failures] == []
    print(f"signed: {sum(seen.values())} requests, (kind, status): {dict(sorted(seen.items()))}")
