"""Who the bot is in its workspace (auth.test), asked once per process.

Bolt's single-workspace authorization calls auth.test on a request and keeps the
answer only once it has come back: every request that arrives before then makes its
own call and waits on it, so a fresh process hit by a burst called Slack once per
request (200 at once: 200 calls, slow acks, some 500s with a slow Slack).

`BotAuthorization` is Bolt's `authorize` for every Bolt app of a process (the HTTP
front, the inbox worker, Socket Mode): `serve` warms it at start-up, concurrent
requests share the one call in flight, and the answer is kept for the life of the
process (the bot token does not change under a running process). A failed call is
not kept: the next request tries again, still one call at a time.
"""

from __future__ import annotations

import asyncio
import logging

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

WARM_TIMEOUT = 10.0  # seconds start-up waits for auth.test


class BotAuthorization(AsyncAuthorize):
    def __init__(self, client: AsyncWebClient) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.client = client
        self._known: AuthorizeResult | None = None
        self._asking: asyncio.Task[AuthorizeResult] | None = None

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult:
        return await self.result()

    async def result(self) -> AuthorizeResult:
        if self._known is not None:
            return self._known
        loop = asyncio.get_running_loop()
        asking = self._asking
        if asking is None or asking.done() or asking.get_loop() is not loop:
            asking = self._asking = loop.create_task(self._ask())
        return await asyncio.shield(asking)  # one caller giving up does not cancel it

    async def warm(self, timeout: float = WARM_TIMEOUT) -> None:
        """At start-up, waiting at most `timeout` s; when Slack cannot be reached (or is
        slower), start-up goes on and the first requests share the call still under way,
        or ask again."""
        try:
            await asyncio.wait_for(self.result(), timeout)
        except Exception as exc:
            log.warning("could not ask Slack who the bot is (auth.test) at start-up: %r", exc)

    async def _ask(self) -> AuthorizeResult:
        answer = await self.client.auth_test()
        self._known = AuthorizeResult.from_auth_test_response(
            auth_test_response=answer, bot_token=self.client.token
        )
        log.info("authorized as %s in team %s", answer.get("user_id"), answer.get("team_id"))
        return self._known
