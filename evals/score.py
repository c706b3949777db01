"""Got vs expected, slot by slot: only what a case lists is checked.

Ids compare case-insensitively (the org's rule), entitlements as sets, identities per
listed entitlement, dates as YYYY-MM-DD. A clarify case passes its `clarify` slot when
the bot asked about at least the listed slots; a refuse case its `refuse` slot when
the code is the named one. `ends` checks each listed entitlement's own end,
`justification_contains`, `reply_contains` and `reply_lacks` compare text ignoring case,
and `withdraw` the withdrawn requests' entitlements as a set. A wrong outcome fails every
listed slot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from domain.ids import key
from evals.expect import Expect, ExpectedAccessLike, ExpectedProposal


@dataclass(frozen=True)
class Score:
    outcome_ok: bool
    slots: dict[str, bool] = field(default_factory=dict)

    @property
    def exact(self) -> bool:
        return self.outcome_ok and all(self.slots.values())


def score(expect: Expect, got: dict[str, Any]) -> Score:
    outcome_ok = got.get("outcome") == expect.outcome
    return Score(outcome_ok=outcome_ok, slots=_slots(expect, got if outcome_ok else {}))


def _slots(expect: Expect, got: dict[str, Any]) -> dict[str, bool]:
    return {**_outcome_slots(expect, got), **_reply_slots(expect, got)}


def _outcome_slots(expect: Expect, got: dict[str, Any]) -> dict[str, bool]:
    if expect.proposal is not None:
        return proposal_slots(expect.proposal, got)
    if "clarify" in expect.model_fields_set:
        asked = {norm(s) for s in got.get("clarify") or []}
        return {"clarify": {norm(s) for s in expect.clarify} <= asked}
    if expect.refuse is not None:
        return {"refuse": "refuse" in got and norm(got["refuse"]) == norm(expect.refuse)}
    if expect.withdraw is not None:
        return {"withdraw": "withdraw" in got and same_set(expect.withdraw, got["withdraw"])}
    return {}


def _reply_slots(expect: Expect, got: dict[str, Any]) -> dict[str, bool]:
    said = " ".join(str(got.get(k) or "") for k in ("changed", "text")).casefold()
    slots = {}
    if expect.reply_contains is not None:
        slots["reply_contains"] = "text" in got and all(
            t.casefold() in said for t in expect.reply_contains
        )
    if expect.reply_lacks is not None:
        slots["reply_lacks"] = "text" in got and not any(
            t.casefold() in said for t in expect.reply_lacks
        )
    return slots


def proposal_slots(expected: ExpectedProposal, got: dict[str, Any]) -> dict[str, bool]:
    return {
        name: _GOT_KEY.get(name, name) in got
        and _CHECKS[name](getattr(expected, name), got[_GOT_KEY.get(name, name)])
        for name in expected.listed()
    }


def norm(value: Any) -> Any:
    return key(value) if isinstance(value, str) else value


def same(expected: Any, got: Any) -> bool:
    return bool(norm(expected) == norm(got))


def same_access_like(expected: ExpectedAccessLike, got: Any) -> bool:
    if not isinstance(got, dict) or expected.kind != got.get("kind"):
        return False
    return "ref" not in expected.model_fields_set or same(expected.ref, got.get("ref"))


def same_set(expected: list[str], got: Any) -> bool:
    return {norm(e) for e in expected} == {norm(g) for g in got or []}


def same_identities(expected: dict[str, str], got: Any) -> bool:
    held = {norm(k): norm(v) for k, v in (got or {}).items()}
    return all(held.get(norm(k)) == norm(v) for k, v in expected.items())


def same_flag(expected: bool, got: Any) -> bool:
    return expected is bool(got)


def same_ends(expected: dict[str, str], got: Any) -> bool:
    """Every listed entitlement is on the card with that end (the rest are not checked)."""
    held = {norm(k): v for k, v in (got or {}).items()}
    return all(norm(k) in held and same(v, held[norm(k)]) for k, v in expected.items())


def contains(expected: str, got: Any) -> bool:
    return isinstance(got, str) and expected.casefold() in got.casefold()


_GOT_KEY = {"justification_contains": "justification"}
_CHECKS: dict[str, Callable[[Any, Any], bool]] = {
    "kind": same,
    "beneficiary": same,
    "access_like": same_access_like,
    "entitlements": same_set,
    "identities": same_identities,
    "end": same,
    "ends": same_ends,
    "capped": same_flag,
    "reason": same,
    "justification_contains": contains,
}
