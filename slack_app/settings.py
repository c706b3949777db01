"""All configuration, read from the environment in one place (the only reader of env vars).

One exception we cannot avoid: prometheus_client reads PROMETHEUS_MULTIPROC_DIR itself,
when it is imported, to decide where its values live. Settings reads the same variable
(`prometheus_multiproc_dir`) so the app knows which mode it is in, and
`slack.metrics.Metrics` refuses to start when the two disagree (the variable set only
in `.env`, which prometheus_client never reads).
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Literal

from dotenv import dotenv_values
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from agent.bounds import MAX_MESSAGE_CHARS
from agent.models.limits import COOLDOWN, MAX_REPLY_BYTES, MAX_RETRY_AFTER, MAX_TOKENS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default="sqlite:///./access-agent.db",
        validation_alias="DATABASE_URL",
        description="SQLAlchemy URL: a SQLite file by default, postgresql+psycopg://... "
        "in production.",
    )
    org_file: str | None = Field(
        default=None,
        validation_alias="ACCESS_AGENT_ORG_FILE",
        description="Org data file imported at start-up when set (a sync: safe to repeat).",
    )
    demo: bool = Field(
        default=True,
        validation_alias="ACCESS_AGENT_DEMO",
        description="Import the shipped demo org when the database has no org yet.",
    )
    model: Literal["auto", "offline", "openai"] = Field(
        default="auto",
        validation_alias="ACCESS_AGENT_MODEL",
        description="offline (deterministic), openai (any OpenAI-compatible endpoint), or auto.",
    )
    openai_api_key: str | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    openai_model: str = Field(default="gpt-4o-mini", validation_alias="OPENAI_MODEL")
    openai_timeout: float = Field(default=20.0, validation_alias="OPENAI_TIMEOUT")
    openai_max_tokens: int = Field(
        default=MAX_TOKENS,
        ge=64,
        le=16_384,
        validation_alias="OPENAI_MAX_TOKENS",
        description="max_tokens of every model call: an Ask is a few hundred tokens.",
    )
    openai_max_reply_bytes: int = Field(
        default=MAX_REPLY_BYTES,
        ge=4 * 1024,
        le=16 * 1024 * 1024,
        validation_alias="OPENAI_MAX_REPLY_BYTES",
        description="Largest model reply read, in bytes; a larger one is an invalid reply "
        "and is not read further.",
    )
    openai_cooldown: float = Field(
        default=COOLDOWN,
        gt=0,
        le=3600,
        validation_alias="OPENAI_COOLDOWN_SECONDS",
        description="After the endpoint fails, turns use the offline model at once and the "
        "endpoint is probed in the background every this many seconds until it answers.",
    )
    openai_max_retry_after: float = Field(
        default=MAX_RETRY_AFTER,
        ge=0,
        le=120,
        validation_alias="OPENAI_MAX_RETRY_AFTER",
        description="Longest Retry-After (429) a turn waits for; a longer one falls back to "
        "the offline model at once and the endpoint is left alone that long.",
    )
    openai_names_out: bool = Field(
        default=False,
        validation_alias="OPENAI_NAMES_OUT",
        description="Keep names out of what goes to the model: the open question's choices "
        'go as "option 1", "option 2", … (mapped back on the reply), and neither the '
        "requester's name nor the question's wording is sent; only the user's own words are.",
    )
    slack_bot_token: str | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", validation_alias="SLACK_API_URL")
    slack_max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=64 * 1024,
        validation_alias="SLACK_MAX_BODY_BYTES",
        description="Largest request body `serve` reads on its Slack URL; a larger one is "
        "refused (413) before it is read, signed or not. Slack's payloads stay far below.",
    )
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
    log_format: Literal["json", "text"] = Field(
        default="json",
        validation_alias="LOG_FORMAT",
        description="json: one object per line with correlation ids (http_request, event, "
        "conversation, access_request); text: the same as plain lines for a terminal.",
    )
    agent_workers: int = Field(
        default=32,
        ge=1,
        le=512,
        validation_alias="ACCESS_AGENT_WORKERS",
        description="Threads for agent turns (each waits on the model), apart from the "
        "threads that do quick store work, so slow model calls never hold those up. "
        "Also how many Slack events one worker handles at a time.",
    )
    worker: Literal["inline", "off"] = Field(
        default="inline",
        validation_alias="ACCESS_AGENT_WORKER",
        description="inline: `serve` also does the work of the Slack events it takes in; "
        "off: it only takes them in, and `access-agent worker` processes do the work.",
    )
    worker_poll: float = Field(
        default=0.5,
        gt=0,
        validation_alias="ACCESS_AGENT_WORKER_POLL",
        description="Seconds between a separate worker's looks for new events.",
    )
    lease_seconds: float = Field(
        default=30,
        ge=1,
        le=600,
        validation_alias="ACCESS_AGENT_LEASE_SECONDS",
        description="How long a Slack event a worker took, and a conversation's turn, stay "
        "its own without a heartbeat (renewed every third of it while the work runs): "
        "after a crash, the longest wait before another process takes the work over.",
    )
    scheduler_interval_seconds: float = Field(
        default=60,
        ge=0,
        validation_alias="SCHEDULER_INTERVAL_SECONDS",
        description="Seconds between scheduler ticks (expiry and expiry warnings); 0 turns "
        "the scheduler off in this process.",
    )
    expiry_warning_hours: float = Field(
        default=24,
        ge=0,
        validation_alias="EXPIRY_WARNING_HOURS",
        description="How long before temporary access ends its holders are told.",
    )
    checkpoint_pool_size: int = Field(
        default=8,
        ge=1,
        le=512,
        validation_alias="CHECKPOINT_POOL_SIZE",
        description="PostgreSQL only: at most this many connections per process for "
        "conversation checkpoints (one kept open, more opened while turns wait for one). "
        "A checkpoint read or write takes milliseconds against a turn's seconds, so a few "
        "serve ACCESS_AGENT_WORKERS turns.",
    )
    prometheus_multiproc_dir: str | None = Field(
        default=None,
        validation_alias="PROMETHEUS_MULTIPROC_DIR",
        description="A directory shared by `serve` and its `access-agent worker` processes "
        "(prometheus_client's multi-process mode): each writes its counters there and "
        "/metrics adds them all up. Must be in the process environment; empty it before "
        "starting the processes, never while they run.",
    )
    checkpoint_retention_days: float = Field(
        default=7,
        gt=0,
        validation_alias="CHECKPOINT_RETENTION_DAYS",
        description="Days a conversation waiting for its requester (an open question or "
        "card) is kept in the checkpoint store; finished ones are pruned at once.",
    )
    audit_token: str | None = Field(
        default=None,
        validation_alias="ACCESS_AGENT_AUDIT_TOKEN",
        description="Bearer token for GET /audit (the trail as CSV or JSON); unset, "
        "`serve` has no /audit at all (404).",
    )
    outbox_attempts: int = Field(
        default=5,
        ge=1,
        le=20,
        validation_alias="ACCESS_AGENT_OUTBOX_ATTEMPTS",
        description="Calls a connector gets for one grant or revoke when its target is "
        "unreachable (network, 5xx, 429), with exponential backoff, before the call is "
        "recorded as failed and the app owners are asked to retry.",
    )
    outbox_concurrency: int = Field(
        default=8,
        ge=1,
        le=64,
        validation_alias="ACCESS_AGENT_OUTBOX_CONCURRENCY",
        description="Connector calls the outbox worker makes at once (threads) for the rows "
        "it claimed together; their answers are recorded in one transaction. 1 makes them "
        "one after another.",
    )
    alerts_channel: str | None = Field(
        default=None,
        validation_alias="ACCESS_AGENT_ALERTS_CHANNEL",
        description="A Slack channel id for operational alerts (a connector that failed; "
        "terminated people who still hold access after an org import; an org import that "
        "failed), each posted once per cause and audited; unset, no alerts are posted "
        "(leftover-access and failed-import alerts fall back to the org file's "
        "`alerts_channel`).",
    )
    connector_timeout: float = Field(
        default=10,
        gt=0,
        le=300,
        validation_alias="ACCESS_AGENT_CONNECTOR_TIMEOUT",
        description="Seconds an LDAP, SCIM or webhook connector waits to connect and for "
        "each answer; past it the call counts as a transient failure and is retried.",
    )

    max_message_chars: int = Field(
        default=MAX_MESSAGE_CHARS,
        ge=100,
        le=40_000,
        validation_alias="ACCESS_AGENT_MAX_MESSAGE_CHARS",
        description="How many characters of one message the agent reads; the rest is "
        "cut before any parsing and the reply says so. Slack allows 40,000.",
    )

    def environ(self) -> dict[str, str]:
        """The variables the org file names for connector secrets: the process
        environment over `.env` (as for every setting), read when connectors are built."""
        env_file = self.model_config.get("env_file")
        from_file = dotenv_values(env_file) if isinstance(env_file, str) else {}
        merged = {k: v for k, v in from_file.items() if v is not None}
        merged.update(os.environ)
        return merged

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.lease_seconds)

    @property
    def expiry_warning(self) -> timedelta:
        return timedelta(hours=self.expiry_warning_hours)

    @property
    def checkpoint_retention(self) -> timedelta:
        return timedelta(days=self.checkpoint_retention_days)

    @property
    def model_backend(self) -> Literal["offline", "openai"]:
        if self.model == "auto":
            return "openai" if self.openai_api_key else "offline"
        return self.model
