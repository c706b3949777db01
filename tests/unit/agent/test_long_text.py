"""Long and adversarial messages (rule 7): every pattern that reads people's text is
linear in its length, so even text far past the bound is read quickly; and the agent
reads only the first `MAX_MESSAGE_CHARS` of a message, saying so in its reply.

The guards are generous timeouts, not durations. Before the patterns were made linear,
one 40,000-character word took about 5 s to understand and 100 KB about 40 s, holding
the GIL all along; now both take a fraction of a second.
"""

from __future__ import annotations

import re
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langgraph.checkpoint.memory import InMemorySaver

from agent import pasted
from agent.answers import pick
from agent.bounds import MAX_MESSAGE_CHARS, cut_notice
from agent.deps import AgentDeps
from agent.graph import build_graph
from agent.models.offline import (
    actions,
    changes,
    ends,
    items,
    justification,
    patterns,
    questions,
    reading,
    spans,
)
from agent.models.offline.reading import understand
from agent.models.port import ModelContext
from agent.runner import AgentRunner, thread_id
from agent.state import MAX_TURNS
from domain.model import durations, isoduration
from domain.model.directory import Directory
from domain.ports import FixedClock
from slack_app.blocks import escape
from slack_app.listeners import messages
from slack_app.listeners.messages import words_of
from tests.fakes.models import ScriptedModel
from tests.orgs import NOW, small_directory
from tools import find, matching
from tools.base import Candidate

D = small_directory()
ALEX = "alex@t.test"
T = thread_id("test", "long")

# What each pattern that used to be quadratic choked on: a unit repeated, then an ending.
UNITS = {
    "one long word": ("a", ""),
    "repeated @a.": ("@a.", ""),
    "dots": (".", ""),
    "digits": ("1", ""),
    "no spaces, no @": ("x=", ""),
    "hyphenated word, no role after it": ("a-", ""),
    "open links": ("<", ""),
    "open mentions": ("<@U1|", ""),
    "laptops, nothing broken": ("laptop ", ""),
    "lunch, then access at the end": ("lunch ", "access"),
    "approve it for me, manager at the end": ("approve it for me ", "manager"),
    "reason cues on a line that is not the last": ("since ", "\nx"),
    "my manager": ("my manager ", ""),
    "account names": ("account a1 ", ""),
    "mixed": ("a@b.c-1.<@U x y ", ""),
}


def long_text(unit: str, size: int, end: str = "") -> str:
    return (unit * (size // len(unit) + 1))[:size] + end


def _patterns(*modules: ModuleType) -> list[re.Pattern[str]]:
    """Every compiled pattern a module holds, also inside lists of rules."""
    found: list[re.Pattern[str]] = []
    for module in modules:
        for value in vars(module).values():
            items = value if isinstance(value, list | tuple) else [value]
            for item in items:
                parts = item if isinstance(item, tuple) else (item,)
                found += [p for p in parts if isinstance(p, re.Pattern)]
    return found


# Patterns built inside functions are literals or anchored; `understand` runs them below.
PATTERNS = _patterns(
    patterns,
    spans,
    reading,
    durations,
    isoduration,
    find,
    matching,
    messages,
    escape,
    pasted,
    actions,
    changes,
    ends,
    items,
    justification,
    questions,
)


def test_the_patterns_under_test_are_all_found() -> None:
    assert {patterns.SKIP_APPROVAL, spans._MENTION, messages._LINK, find._EMAIL} <= set(PATTERNS)
    assert len(PATTERNS) > 50  # with the duration rules


@pytest.mark.timeout(20)
@pytest.mark.parametrize(("unit", "end"), UNITS.values(), ids=UNITS.keys())
def test_every_pattern_reads_100_kb_in_linear_time(unit: str, end: str) -> None:
    text = long_text(unit, 100_000, end)
    for pattern in PATTERNS:
        for _ in pattern.finditer(text):
            pass


CONTEXT = ModelContext(requester_name="Alex Meyer", today="", now=NOW.isoformat())
ANSWERING = ModelContext(
    requester_name="Alex Meyer",
    today="",
    now=NOW.isoformat(),
    stage="clarify",
    pending_slots=("entitlements",),
    choices=("GitHub · Write", "AWS prod · Read only"),
)
SLACK_MAX = 40_000  # characters in one Slack message


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "text",
    [
        long_text("a", SLACK_MAX),
        long_text("x", 100_000),
        long_text("@a.", SLACK_MAX),
        long_text(".", SLACK_MAX),
        long_text("1", SLACK_MAX),
        long_text("my manager ", SLACK_MAX),
        long_text("account a1 ", SLACK_MAX),
        long_text("a@b.c-1.<@U x y ", SLACK_MAX),
    ],
    ids=[
        "40,000-char word",
        "100 KB word",
        "@a.",
        "dots",
        "digits",
        "my manager",
        "accounts",
        "mixed",
    ],
)
def test_offline_understanding_of_long_text_completes(text: str) -> None:
    assert understand(D, words_of(text, D), CONTEXT).action in ("request", "chitchat")


ON_CARD = ModelContext(requester_name="Alex Meyer", today="", now=NOW.isoformat(), stage="proposal")


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "unit",
    [
        "drop github, ",
        "use the admin account ",
        "for Wei instead ",
        "```x",
        '"a b c d ',
        "> also add jira\n",
        "<!-- ",
        "here's the ticket: ",
        "because i'm covering for ",
        "for the a ",
        "ends on ",
        "what does x have ",
        "who approves ",
        "OPS-1 add ",
    ],
)
def test_reading_changes_and_pasted_text_of_long_text_completes(unit: str) -> None:
    """Twice what the agent reads of a message (it cuts the rest at its door)."""
    text = long_text(unit, 2 * MAX_MESSAGE_CHARS)
    understand(D, text, ON_CARD)
    understand(D, text, CONTEXT)


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "text", [long_text("1", SLACK_MAX), long_text("2, ", SLACK_MAX)], ids=["digits", "list"]
)
def test_offline_understanding_of_a_long_answer_completes(text: str) -> None:
    assert understand(D, text, ANSWERING).action == "answer"


_PIECES = st.sampled_from(
    [
        *"a1.@-_<>|'\" \n\t:=",
        "@a.",
        "<@U",
        "laptop ",
        "lunch ",
        "approve ",
        "it for me ",
        "manager ",
        "since ",
        "my manager ",
        "account ",
        "role ",
        "--reason ",
        "for the ",
        "until ",
        "same access as ",
        "github ",
        "priya ",
        "```",
        "> ",
        '"',
        "<!--",
        "here's the note: ",
        "drop ",
        "instead ",
        "use the ",
        " one",
        "because ",
        "ends on ",
        "who approves ",
        "what does ",
    ]
)


@pytest.mark.timeout(60)
@settings(max_examples=10, deadline=None)
@given(unit=st.lists(_PIECES, min_size=1, max_size=6).map("".join), size=st.integers(1, 40_000))
def test_any_long_repetition_is_understood(unit: str, size: int) -> None:
    text = long_text(unit, size)
    for pattern in PATTERNS:
        for _ in pattern.finditer(text):
            pass
    understand(D, words_of(text, D), CONTEXT)


# --- the bound at the agent's door -----------------------------------------------------------
def _runner(model: ScriptedModel, directory: Directory = D) -> AgentRunner:
    deps = AgentDeps(model=model, directory=lambda: directory, clock=FixedClock(NOW))
    return AgentRunner(build_graph(deps, checkpointer=InMemorySaver()))


def test_a_long_message_is_cut_and_the_reply_says_so() -> None:
    model = ScriptedModel(turns=[{"action": "chitchat"}])
    reply = _runner(model).send(T, ALEX, "x" * 40_000)
    turns, _ = model.asked[0]
    assert [len(t.text) for t in turns] == [MAX_MESSAGE_CHARS]
    assert reply.notices == [cut_notice(MAX_MESSAGE_CHARS)]
    assert f"first {MAX_MESSAGE_CHARS:,} characters" in reply.notices[0]


def test_a_message_within_the_bound_is_read_whole_without_a_notice() -> None:
    model = ScriptedModel(turns=[{"action": "chitchat"}])
    text = "y" * MAX_MESSAGE_CHARS
    reply = _runner(model).send(T, ALEX, text)
    assert model.asked[0][0][0].text == text
    assert reply.notices == []


def test_an_answer_is_cut_too_and_only_bounded_text_is_kept_in_state() -> None:
    model = ScriptedModel(
        turns=[
            {"action": "request", "access_like": "person", "reference": "Priya"},
            {"action": "answer"},
        ]
    )
    runner = _runner(model)
    first = runner.send(T, ALEX, "same access as Priya " + "z" * 100_000)
    assert first.kind == "clarify" and first.notices == [cut_notice(MAX_MESSAGE_CHARS)]
    second = runner.send(T, ALEX, "w" * 100_000)
    assert second.notices == [cut_notice(MAX_MESSAGE_CHARS)]
    kept = runner.state(T)["turns"]
    assert max(len(t["text"]) for t in kept) <= MAX_MESSAGE_CHARS
    assert [len(t.text) for t in model.asked[1][0] if t.role == "user"] == [MAX_MESSAGE_CHARS] * 2


def test_a_runner_takes_its_own_bound() -> None:
    model = ScriptedModel(turns=[{"action": "chitchat"}])
    deps = AgentDeps(model=model, directory=lambda: D, clock=FixedClock(NOW))
    runner = AgentRunner(build_graph(deps, checkpointer=InMemorySaver()), max_chars=10)
    reply = runner.send(T, ALEX, "hello there, I need github")
    assert model.asked[0][0][0].text == "hello ther"
    assert reply.notices == [cut_notice(10)]


def test_a_long_back_and_forth_keeps_only_the_last_turns() -> None:
    rounds = MAX_TURNS  # each answer adds the bot's question and the answer
    model = ScriptedModel(
        turns=[
            {"action": "request", "access_like": "person", "reference": "Priya"},
            *[{"action": "answer"}] * rounds,
        ]
    )
    runner = _runner(model)
    runner.send(T, ALEX, "same access as Priya")
    for n in range(rounds):
        assert runner.send(T, ALEX, f"answer {n}").kind == "clarify"
    kept = runner.state(T)["turns"]
    assert len(kept) == MAX_TURNS
    assert kept[0]["role"] == "user" and kept[-1] == {
        "role": "user",
        "text": f"answer {rounds - 1}",
    }
    assert len(model.asked[-1][0]) == MAX_TURNS


def test_a_choice_number_past_what_int_reads_picks_nothing() -> None:
    choices = [Candidate(id="github:write", label="GitHub · Write", score=100)]
    assert pick(choices, ["9" * 5_000]) == [] and pick(choices, ["0" * 5_000 + "1"]) == [
        "github:write"
    ]
