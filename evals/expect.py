"""What a case expects (the `expect:` block of a case file), checked strictly.

Only the fields a case lists are scored, so "listed" matters: it is pydantic's
`model_fields_set`, not "not None" (`reason: null` means "expects no reason").
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Outcome = Literal["proposal", "clarify", "refuse", "answered", "withdraw", "cancelled"]
Slot = Literal[
    "beneficiary",
    "access_like",
    "reference",
    "entitlements",
    "identity",
    "duration",
    "kind",
    "apps",
    "request",
]
PERMANENT = "permanent"


class Strict(BaseModel):
    """Unknown keys are errors; a number where text belongs (`- 2` as a turn) is text."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


class ExpectedAccessLike(Strict):
    kind: Literal["person", "job_title", "role", "custom"]
    ref: str | None = Field(default=None, description="Checked only when listed.")


class ExpectedProposal(Strict):
    kind: Literal["grant", "revoke", "extend"] | None = None
    beneficiary: str | None = None
    access_like: ExpectedAccessLike | None = None
    entitlements: list[str] | None = None
    identities: dict[str, str] | None = None
    end: str | None = None
    ends: dict[str, str] | None = Field(
        default=None, description="Entitlement -> its own end (a date or permanent)."
    )
    capped: bool | None = None
    reason: str | None = None
    justification_contains: str | None = Field(
        default=None, description="Text the kept justification contains (any case)."
    )

    @field_validator("end", mode="before")
    @classmethod
    def _end(cls, value: Any) -> Any:
        return normalise_end(value)

    @field_validator("ends", mode="before")
    @classmethod
    def _ends(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        return {str(k): normalise_end(v) for k, v in value.items()}

    @model_validator(mode="after")
    def _no_null_slots(self) -> ExpectedProposal:
        nulls = [n for n in self.listed() if n != "reason" and getattr(self, n) is None]
        if nulls:
            raise ValueError(f"{', '.join(nulls)}: must not be null (leave out to not check)")
        return self

    def listed(self) -> list[str]:
        return [name for name in type(self).model_fields if name in self.model_fields_set]


def normalise_end(value: Any) -> Any:
    """A date (YAML parses `2026-03-06` as one) or "permanent", as a YYYY-MM-DD string."""
    if value is None:
        return None
    if isinstance(value, datetime):
        raise ValueError("end is a date (YYYY-MM-DD) or 'permanent', not a date and time")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        if text.casefold() == PERMANENT:
            return PERMANENT
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    raise ValueError(f"end must be a date (YYYY-MM-DD) or 'permanent', got {value!r}")


class Expect(Strict):
    outcome: Outcome
    proposal: ExpectedProposal | None = None
    clarify: list[Slot] = Field(default_factory=list)
    refuse: str | None = None
    withdraw: list[str] | None = Field(
        default=None, description="The entitlements of the requests the reply withdraws."
    )
    reply_contains: list[str] | None = Field(
        default=None, description="Texts the bot's last reply contains (any case)."
    )
    reply_lacks: list[str] | None = Field(
        default=None, description="Texts the bot's last reply must not contain (any case)."
    )

    @model_validator(mode="after")
    def _blocks_match_outcome(self) -> Expect:
        for block, outcome in (
            ("proposal", "proposal"),
            ("clarify", "clarify"),
            ("refuse", "refuse"),
            ("withdraw", "withdraw"),
        ):
            if block in self.model_fields_set and self.outcome != outcome:
                raise ValueError(f"{block} is given but outcome is {self.outcome}")
        return self
