"""`python -m bench.prompt_tokens [--names-out]`: prompt tokens per turn of a few multi-turn
conversations, through the OpenAI adapter against the loopback stand-in.

The stand-in answers with the offline model's reading (see `bench.openai_loopback`), so
the conversations go where the offline model takes them; what is measured is what the
adapter sends each turn. Tokens are counted two ways, neither a real tokenizer (tiktoken
needs its vocabulary from the network): the stand-in's count (words and punctuation
marks, `count_tokens`) and characters / 4. "names" counts the directory's people whose
name appears in a request although the user never typed it.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver

from agent.deps import AgentDeps
from agent.graph import build_graph
from agent.models.offline import OfflineModel
from agent.models.openai_compat import OpenAIModel
from agent.runner import AgentRunner, thread_id
from bench.openai_loopback import DIRECTORY, respond
from domain.ports import FixedClock
from slack_app.testing.openai_server import FakeOpenAIServer, count_tokens

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
ALEX = "alex.meyer@acme.test"
CONVERSATIONS = {
    "same access, narrowed": [
        "same access as Priya for 2 weeks",
        "Priya Raman",
        "without snowflake",
        "make it 3 days",
    ],
    "level, then changes": ["I need github", "write", "for a week", "also jira", "make it 3 days"],
    "question, then an ask": [
        "what does Priya Raman have?",
        "datadog standard for my migration",
        "2 weeks",
        "reason: incident 4411",
    ],
}


def measure(names_out: bool) -> list[tuple[str, list[dict[str, int]]]]:
    results = []
    with FakeOpenAIServer(responder=respond) as server:
        offline = OfflineModel(lambda: DIRECTORY)
        model = OpenAIModel(
            api_key="loopback",
            base_url=server.url,
            model="loopback-offline",
            fallback=offline,
            attempts=1,
            **({"names_out": True} if names_out else {}),  # type: ignore[arg-type]
        )
        deps = AgentDeps(model=model, directory=lambda: DIRECTORY, clock=FixedClock(NOW))
        runner = AgentRunner(build_graph(deps, checkpointer=InMemorySaver()))
        for title, lines in CONVERSATIONS.items():
            thread = thread_id("bench", title)
            turns = []
            for line in lines:
                before = len(server.requests)
                runner.send(thread, ALEX, line)
                typed = " ".join(lines).casefold()
                turns += [_size(body, typed) for body in server.requests[before:]]
            results.append((title, turns))
        model.close()
    return results


def _size(body: dict[str, Any], typed: str) -> dict[str, int]:
    text = "\n".join(str(m.get("content", "")) for m in body["messages"][1:])  # after the prompt
    prompt = str(body["messages"][0]["content"])
    names = {p.name for p in DIRECTORY.data.people if p.name.casefold() not in typed}
    return {
        "tokens": count_tokens(prompt) + count_tokens(text),
        "beyond_prompt": count_tokens(text),
        "chars4": (len(prompt) + len(text)) // 4,
        "names": sum(1 for n in names if n in text),
    }


def main() -> int:
    names_out = "--names-out" in sys.argv
    for title, turns in measure(names_out):
        print(f"{title}:")
        for n, t in enumerate(turns, start=1):
            print(
                f"  turn {n}: {t['tokens']} tokens ({t['beyond_prompt']} after the system "
                f"prompt; chars/4: {t['chars4']}); names not typed by the user: {t['names']}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
