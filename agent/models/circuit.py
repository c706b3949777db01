"""A circuit breaker for the model endpoint: after a failure, turns stop waiting on it.

While open, every turn uses the fallback at once, and a background thread probes the
endpoint after each cool-down (or after the Retry-After the endpoint asked for) until a
probe gets through; then the circuit closes and the next turn uses the model again. So
during a hang one turn waits a timeout, not every turn, and no user turn is the probe.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class Circuit:
    def __init__(
        self,
        *,
        cooldown: float,
        probe: Callable[[], None],
        name: str = "model",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cooldown = cooldown
        self._probe = probe  # raises when the endpoint is still down
        self._name = name
        self._clock = clock
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._until: float | None = None  # None: closed
        self._prober: threading.Thread | None = None

    def is_open(self) -> bool:
        with self._lock:
            return self._until is not None

    def open(self, *, at_least: float = 0.0) -> None:
        """Open (or keep open) for the cool-down, or `at_least` seconds when longer."""
        with self._lock:
            until = self._clock() + max(self._cooldown, at_least)
            self._until = max(until, self._until or until)
            if self._prober is None:  # cleared, under this lock, by a prober that closed it
                log.warning("%s: circuit open, probing every %.0fs", self._name, self._cooldown)
                self._prober = threading.Thread(target=self._probing, daemon=True)
                self._prober.start()

    def stop(self) -> None:
        self._stopped.set()

    def _probing(self) -> None:
        while not self._stopped.wait(self._remaining()):
            if self._remaining() > 0:
                continue  # opened again for longer meanwhile
            try:
                self._probe()
            except Exception as exc:
                log.info("%s: still unavailable (%s: %s)", self._name, type(exc).__name__, exc)
                with self._lock:
                    self._until = self._clock() + self._cooldown
                continue
            with self._lock:
                self._until, self._prober = None, None
            log.warning("%s: reachable again, circuit closed", self._name)
            return

    def _remaining(self) -> float:
        with self._lock:
            return 0.0 if self._until is None else max(0.0, self._until - self._clock())
