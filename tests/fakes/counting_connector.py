"""A connector that counts: every call with its key, and the effects it made (one per
key, as a real target that honours the key would). Optional crash points."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

from domain.model.requests import AccessRequest, RequestItem
from domain.ports import FulfillmentResult, Outcome


class Crash(BaseException):
    """The process dies here: nothing after this line runs, nothing uncommitted stays."""


@dataclass
class CountingConnector:
    name: str = "counting"
    calls: Counter[str] = field(default_factory=Counter)
    effects: set[str] = field(default_factory=set)
    applied: Counter[str] = field(default_factory=Counter)  # effects made, per key
    crash_after_call: int = 0  # die this many times right after making the effect
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def grant(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        return self._act(key)

    def revoke(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        return self._act(key)

    def _act(self, key: str) -> FulfillmentResult:
        with self._lock:
            self.calls[key] += 1
            if key not in self.effects:  # the key makes a repeat harmless
                self.effects.add(key)
                self.applied[key] += 1
            if self.crash_after_call > 0:
                self.crash_after_call -= 1
                raise Crash
        return FulfillmentResult(Outcome.DONE, "done")
