"""Wiring the agent from settings: the model backend, the checkpointer, the runner."""

from __future__ import annotations

from typing import Any

from agent.checkpoint import make_checkpointer
from agent.deps import AgentDeps
from agent.graph import build_graph
from agent.models.offline import OfflineModel
from agent.models.port import Model
from agent.runner import AgentRunner
from slack_app.bootstrap import Runtime
from slack_app.services.lookups import StoreRequests
from slack_app.services.requests import StorePending
from slack_app.settings import Settings


def make_model(settings: Settings, runtime: Runtime) -> Model:
    offline = OfflineModel(runtime.directory)
    if settings.model_backend == "offline":
        return offline
    from agent.models.openai_compat import OpenAIModel

    if not settings.openai_api_key:
        raise ValueError("ACCESS_AGENT_MODEL=openai needs OPENAI_API_KEY")
    return OpenAIModel(
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        model=settings.openai_model,
        fallback=offline,
        timeout=settings.openai_timeout,
        max_tokens=settings.openai_max_tokens,
        max_reply_bytes=settings.openai_max_reply_bytes,
        cooldown=settings.openai_cooldown,
        max_retry_after=settings.openai_max_retry_after,
        names_out=settings.openai_names_out,
    )


def build_runner(runtime: Runtime, *, checkpointer: Any | None = None) -> AgentRunner:
    deps = AgentDeps(
        model=make_model(runtime.settings, runtime),
        directory=runtime.directory,
        clock=runtime.clock,
        pending=lambda: StorePending(runtime),
        requests=lambda: StoreRequests(runtime),
    )
    settings = runtime.settings
    saver = checkpointer or make_checkpointer(
        settings.database_url, pool_size=settings.checkpoint_pool_size
    )
    graph = build_graph(deps, checkpointer=saver)
    return AgentRunner(graph, max_chars=settings.max_message_chars)
