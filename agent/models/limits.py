"""How much one model call may cost: tokens asked for, bytes read, time waited (the
settings' defaults).

An Ask is a few hundred tokens; 1,024 leaves room for a long justification as typed.
The whole HTTP reply of that many tokens of JSON fits in 64 KiB several times over.
"""

from __future__ import annotations

MAX_TOKENS = 1024
MAX_REPLY_BYTES = 64 * 1024
COOLDOWN = 30.0  # seconds the circuit stays open before the endpoint is probed again
MAX_RETRY_AFTER = 10.0  # longest Retry-After a turn waits; a longer one falls back at once
