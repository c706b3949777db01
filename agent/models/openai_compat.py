"""The OpenAI-compatible adapter of the model port: chat completions into a strict `Ask`.

The request is laid out for prompt caching: the static system prompt first, then the
user's latest message, then one short message with this turn's context; exactly what is
sent, and what never is, is `agent.models.openai_messages`. Retries live here (the
edge) and nowhere else; when they run out, the offline model answers instead, and every
such turn says so (the conversation says it once). After the endpoint fails, a circuit
opens: turns fall back at once while the endpoint is probed in the background.
"""

from __future__ import annotations

import logging
from typing import Any

from openai import APIConnectionError, APIStatusError, OpenAI, OpenAIError
from openai.types import CompletionUsage
from openai.types.chat import ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema
from tenacity import (
    RetryCallState,
    Retrying,
    before_sleep_log,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_random_exponential,
)

from agent.ask import Ask, Understanding, Usage
from agent.models.circuit import Circuit
from agent.models.limits import COOLDOWN, MAX_REPLY_BYTES, MAX_RETRY_AFTER, MAX_TOKENS
from agent.models.openai_messages import build_messages, restored
from agent.models.openai_reply import (
    InvalidReply,
    ModelDeclined,
    ask_of,
    read_bounded,
    read_completion,
)
from agent.models.port import Model, ModelContext, Turn
from agent.prompts import Prompt, load_prompt

log = logging.getLogger(__name__)

OUTAGE_NOTICE = "The language model is unreachable; I'm using my built-in understanding for now."
DECLINED_NOTICE = "The language model declined that message; I used my built-in understanding."
INVALID_NOTICE = "The language model's answer was unusable; I used my built-in understanding."
_CONFIG_STATUS = frozenset({401, 403, 404})  # wrong key, model or URL: not fixed by a retry
_RETRYABLE_STATUS = frozenset({408, 409, 429})


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` made acceptable to strict structured outputs.

    Every object lists all its properties as required and forbids others; a property
    that was optional with a null default becomes nullable; defaults and titles go.
    Other optional properties (lists, booleans) stay non-nullable, so the model must
    write `[]` or `false` and the reply still validates as an `Ask`.
    """
    node = {k: v for k, v in schema.items() if k not in ("default", "title")}
    if "properties" in node:
        required = set(schema.get("required", []))
        node["properties"] = {
            name: _required(strict_schema(prop), null_default=_null_default(name, prop, required))
            for name, prop in schema["properties"].items()
        }
        node["required"] = list(node["properties"])
        node["additionalProperties"] = False
    for key in ("anyOf", "allOf", "oneOf"):
        if key in node:
            node[key] = [strict_schema(s) for s in node[key]]
    if isinstance(node.get("items"), dict):
        node["items"] = strict_schema(node["items"])
    if "$defs" in node:
        node["$defs"] = {k: strict_schema(v) for k, v in node["$defs"].items()}
    return node


def _null_default(name: str, prop: dict[str, Any], required: set[str]) -> bool:
    return name not in required and "default" in prop and prop["default"] is None


def _required(prop: dict[str, Any], *, null_default: bool) -> dict[str, Any]:
    """`prop`, made nullable when leaving it out meant null."""
    if not null_default or _admits_null(prop):
        return prop
    return {"anyOf": [prop, {"type": "null"}]}


def _admits_null(prop: dict[str, Any]) -> bool:
    types = prop.get("type")
    if types == "null" or (isinstance(types, list) and "null" in types):
        return True
    return any(_admits_null(s) for s in prop.get("anyOf", []))


def response_format() -> ResponseFormatJSONSchema:
    schema = strict_schema(Ask.model_json_schema())
    return {"type": "json_schema", "json_schema": {"name": "ask", "strict": True, "schema": schema}}


def is_transient(error: BaseException) -> bool:
    """Worth another attempt: rate limits, 5xx, timeouts, lost connections, bad replies."""
    if isinstance(error, APIStatusError):
        return error.status_code in _RETRYABLE_STATUS or error.status_code >= 500
    return isinstance(error, APIConnectionError | InvalidReply)


def retry_after(error: BaseException | None) -> float:
    """The server's Retry-After in seconds, 0 when absent or unreadable."""
    if not isinstance(error, APIStatusError):
        return 0.0
    try:
        return max(0.0, float(error.response.headers.get("retry-after", 0)))
    except ValueError:
        return 0.0


def worth_retrying(error: BaseException, max_retry_after: float) -> bool:
    """Transient, and not a Retry-After longer than a turn may wait."""
    return is_transient(error) and retry_after(error) <= max_retry_after


def opens_circuit(error: BaseException) -> bool:
    """The endpoint failed (not the reply): down, overloaded, hung, or misconfigured."""
    if isinstance(error, APIStatusError):
        return error.status_code in _CONFIG_STATUS or is_transient(error)
    return isinstance(error, APIConnectionError)


def notice_for(error: BaseException) -> str:
    if isinstance(error, ModelDeclined):
        return DECLINED_NOTICE
    return INVALID_NOTICE if isinstance(error, InvalidReply) else OUTAGE_NOTICE


def add_tokens(usage: Usage, reported: CompletionUsage | None) -> None:
    if reported is None:
        return
    usage.prompt_tokens += reported.prompt_tokens
    usage.completion_tokens += reported.completion_tokens
    details = reported.prompt_tokens_details
    usage.cached_tokens += (details.cached_tokens or 0) if details else 0


class OpenAIModel:
    """Understands with any OpenAI-compatible chat endpoint; falls back to `fallback`.

    Time is bounded: each attempt by `timeout`, the whole call by `timeout * attempts`
    plus the waits between attempts (a Retry-After up to `max_retry_after`; a longer one
    falls back at once). A failure of the endpoint opens a circuit (`agent.models.circuit`):
    later turns fall back at once while the endpoint is probed in the background. Every
    turn that fell back carries its notice; the conversation says it once.
    """

    def __init__(  # noqa: PLR0913 (settings of one endpoint, all keyword-only with defaults)
        self,
        *,
        api_key: str,
        base_url: str | None,
        model: str,
        fallback: Model,
        timeout: float = 20.0,
        attempts: int = 3,
        prompt: Prompt | None = None,
        client: OpenAI | None = None,
        backoff: float = 0.5,
        max_backoff: float = 4.0,
        max_tokens: int = MAX_TOKENS,
        max_reply_bytes: int = MAX_REPLY_BYTES,
        cooldown: float = COOLDOWN,
        max_retry_after: float = MAX_RETRY_AFTER,
        names_out: bool = False,
    ) -> None:
        self.name = f"openai:{model}"
        self._model = model
        self._fallback = fallback
        self._timeout = timeout
        self._attempts = max(1, attempts)
        self._prompt = prompt or load_prompt("understand")
        self._client = client or OpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0
        )
        self._max_tokens = max_tokens
        self._max_reply_bytes = max_reply_bytes
        self._max_retry_after = max_retry_after
        self._names_out = names_out  # choices as "option N", no names of the bot's
        self._jitter = wait_random_exponential(multiplier=backoff, max=max_backoff)
        self._response_format = response_format()
        self._circuit = Circuit(cooldown=cooldown, probe=self._probe, name=self.name)

    def understand(self, turns: list[Turn], ctx: ModelContext) -> Understanding:
        usage = Usage()
        if self._circuit.is_open():
            return self._fall_back(turns, ctx, usage, OUTAGE_NOTICE)
        messages = build_messages(self._prompt, turns, ctx, names_out=self._names_out)
        try:
            ask = self._retrying()(self._attempt, messages, usage)
        except (OpenAIError, InvalidReply, ModelDeclined) as error:
            self._log_failure(usage, error)
            if opens_circuit(error):
                self._circuit.open(at_least=retry_after(error))
            return self._fall_back(turns, ctx, usage, notice_for(error))
        ask = restored(ask, ctx) if self._names_out else ask
        return Understanding(ask=ask, usage=usage, backend=self.name)

    def circuit_open(self) -> bool:
        return self._circuit.is_open()

    def close(self) -> None:
        """Stop probing (tests; a process's model lives as long as the process)."""
        self._circuit.stop()

    def _retrying(self) -> Retrying:
        attempts = self._attempts
        return Retrying(
            stop=stop_after_attempt(attempts) | stop_before_delay(self._timeout * attempts),
            wait=self._wait,
            retry=retry_if_exception(lambda e: worth_retrying(e, self._max_retry_after)),
            before_sleep=before_sleep_log(log, logging.WARNING),
            reraise=True,
        )

    def _wait(self, state: RetryCallState) -> float:
        """Jittered exponential backoff, or the server's Retry-After when longer (only
        one within `max_retry_after` gets here: a longer one is not retried)."""
        error = state.outcome.exception() if state.outcome else None
        jitter: float = self._jitter(state)
        return max(jitter, retry_after(error))

    def _attempt(self, messages: list[ChatCompletionMessageParam], usage: Usage) -> Ask:
        usage.model_calls += 1
        with self._client.chat.completions.with_streaming_response.create(
            model=self._model,
            messages=messages,
            response_format=self._response_format,
            timeout=self._timeout,
            max_tokens=self._max_tokens,
        ) as response:
            body = read_bounded(response.headers, response.iter_bytes(), self._max_reply_bytes)
        completion = read_completion(body)
        add_tokens(usage, completion.usage)
        return ask_of(completion)

    def _probe(self) -> None:
        """One small call: raises unless the endpoint answers (the circuit's probe)."""
        with self._client.chat.completions.with_streaming_response.create(
            model=self._model,
            messages=[{"role": "user", "content": "ping"}],
            timeout=self._timeout,
            max_tokens=1,
        ) as response:
            read_bounded(response.headers, response.iter_bytes(), self._max_reply_bytes)

    def _log_failure(self, usage: Usage, error: BaseException) -> None:
        log.warning(
            "%s failed after %d call(s) (%s: %s); using %s",
            self.name,
            usage.model_calls,
            type(error).__name__,
            error,
            self._fallback.name,
        )

    def _fall_back(
        self, turns: list[Turn], ctx: ModelContext, usage: Usage, notice: str
    ) -> Understanding:
        understanding = self._fallback.understand(turns, ctx)
        spent = Usage.model_validate(
            {k: v + getattr(understanding.usage, k) for k, v in usage.model_dump().items()}
        )
        spent.fallbacks += 1
        return understanding.model_copy(
            update={"usage": spent, "notice": notice or understanding.notice}
        )
