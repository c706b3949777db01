"""All configuration, read from the environment in one place (the only reader of env vars)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    slack_bot_token: str | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", validation_alias="SLACK_API_URL")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")

    @property
    def model_backend(self) -> Literal["offline", "openai"]:
        if self.model == "auto":
            return "openai" if self.openai_api_key else "offline"
        return self.model
