"""Is the model backend reachable? For `access-agent doctor`; never used on a request path."""

from __future__ import annotations

from openai import OpenAI, OpenAIError


def probe(
    backend: str, *, api_key: str | None, base_url: str | None, model: str, timeout: float = 5.0
) -> str:
    """A one-line status, or raises with the reason the backend cannot be used."""
    if backend == "offline":
        return "offline (built-in understanding, no network)"
    if not api_key:
        raise RuntimeError("ACCESS_AGENT_MODEL=openai but OPENAI_API_KEY is not set")
    client = OpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0)
    try:
        client.models.retrieve(model)
    except OpenAIError as exc:
        raise RuntimeError(f"{base_url or 'OpenAI'} did not answer for {model}: {exc}") from exc
    return f"openai-compatible {base_url or 'OpenAI'}, model {model} reachable"
