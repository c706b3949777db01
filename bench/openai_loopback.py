"""`python -m bench.openai_loopback`: the OpenAI adapter end to end on the eval suite,
against an OpenAI-compatible server on loopback — model calls and prompt tokens per case.

The loopback server answers with the OFFLINE model's reading of the same messages, so
accuracy here says nothing about any real model; what it measures is the adapter's
traffic: calls per turn and case, prompt size (as the stand-in counts tokens: words and
punctuation), and how much of the prompt is the cacheable static prefix.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime
from typing import Any

from agent.models.offline.reading import understand
from agent.models.port import ModelContext
from domain.model.directory import Directory
from domain.orgdata.demo import load_demo_org
from slack_app.testing.openai_server import Content, FakeOpenAIServer

DIRECTORY = Directory(load_demo_org())


def respond(body: dict[str, Any]) -> Content:
    messages = body["messages"]
    last_user = next(m["content"] for m in reversed(messages) if m["role"] == "user")
    context = json.loads(messages[-1]["content"].split("\n", 1)[1])
    ctx = ModelContext(
        requester_name=context.get("requester", ""),
        today=context.get("today", ""),
        reasons=tuple(context.get("org_reasons", [])),
        pending_question=context.get("last_question"),
        pending_slots=tuple(context.get("question_slots", [])),
        stage=context.get("stage", "new"),
        now=context.get("now") or datetime.now().astimezone().isoformat(),
        choices=tuple(c.split(". ", 1)[-1] for c in context.get("choices", [])),
    )
    ask = understand(DIRECTORY, str(last_user), ctx)
    return Content(ask.model_dump_json())


def main() -> int:
    with FakeOpenAIServer(responder=respond) as server, tempfile.TemporaryDirectory() as out:
        env = {
            **os.environ,
            "OPENAI_API_KEY": "loopback",
            "OPENAI_BASE_URL": server.url,
            "OPENAI_MODEL": "loopback-offline",
        }
        cases = sorted(os.path.join("evals", "cases", f) for f in os.listdir("evals/cases"))
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "slack_app.cli",
                "eval",
                *cases,
                "--model",
                "openai",
                "--report",
                out,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        with open(os.path.join(out, "report.json"), encoding="utf-8") as report:
            summary = json.load(report)["summary"]
    print(
        f"eval over the OpenAI adapter on loopback: {summary['cases']} cases, "
        f"{len(server.requests)} HTTP requests"
    )
    print(f"model calls per case: {summary['model_calls_per_case']:.2f}")
    print(f"prompt tokens per case (stand-in's count): {summary['prompt_tokens_per_case']:.0f}")
    print(
        f"exact match (offline reading behind the adapter, NOT a real model): "
        f"{summary['exact_match']:.3f}; latency p50 {summary['latency_ms']['p50']:.1f} ms, "
        f"p95 {summary['latency_ms']['p95']:.1f} ms"
    )
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
