"""Socket Mode through the durable inbox, as `serve` does over HTTP.

An Events API envelope, or a click the inbox does (`slack.clicks`), is checked
against the same shapes as an HTTP body (`slack.payloads`), stored as an inbox job
and only then acked; a worker in this process does the work. So a process killed
mid-turn leaves the job to be retried (by itself once restarted, or by any
`access-agent worker` on the same database), and Slack's redelivery of an envelope
(a new envelope id, the same `event_id`) finds the job already stored: the inbox
key is the dedupe. When the job cannot be stored the envelope is not acked, and
Slack delivers it again. A payload that is not in its shape is acked (a retry would
be just as malformed) and logged, never handed to a listener. Commands, modal
clicks, view submissions and options go to Bolt as before: their answer is due in
the acknowledgement.
"""

from __future__ import annotations

import asyncio
import json
import logging

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from domain.ports import NewJob
from slack_app.web import payloads
from slack_app.worker import clicks, inbox

log = logging.getLogger(__name__)


class DurableSocketHandler(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler with the inbox in front and its worker alongside
    (started on connect, drained on close)."""

    def __init__(
        self,
        app: AsyncApp,
        app_token: str | None,
        *,
        intake: inbox.Intake,
        worker: inbox.InboxWorker,
    ) -> None:
        super().__init__(app, app_token)
        self.intake, self.worker = intake, worker
        self._stop = asyncio.Event()
        self._running: asyncio.Task[None] | None = None

    async def connect_async(self) -> None:
        if self._running is None:
            self._stop.clear()
            self._running = asyncio.create_task(self.worker.run(self._stop))
        await super().connect_async()  # type: ignore[no-untyped-call]

    async def close_async(self) -> None:
        await super().close_async()  # type: ignore[no-untyped-call]
        if self._running is not None:
            self._stop.set()
            await self._running
            self._running = None

    async def handle(self, client: AsyncBaseSocketModeClient, req: SocketModeRequest) -> None:
        if req.type not in ("events_api", "interactive", "slash_commands"):
            await super().handle(client, req)  # type: ignore[arg-type]
            return
        body = json.dumps(req.payload)
        try:
            payload = payloads.read(body.encode(), "application/json")
        except payloads.Malformed as exc:
            log.warning("socket mode: a malformed %s payload acked and dropped: %s", req.type, exc)
            await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        job = self._job(payload, body)
        if job is None:
            await super().handle(client, req)  # type: ignore[arg-type]
            return
        try:
            fresh = await self.intake.put(job.key, job.payload, lane=job.lane, kind=job.kind)
        except Exception as exc:  # not acked: Slack delivers the envelope again
            log.error("socket mode: could not take in %s: %s", job.key, exc)
            return
        if not fresh:
            log.info("%s taken in before (a Slack redelivery): ignored", job.key)
        self.worker.wake()
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))

    @staticmethod
    def _job(payload: payloads.Payload, body: str) -> NewJob | None:
        """The inbox job for an event or a durable click; None: Bolt answers it."""
        data = payload.data
        if payload.kind == "event_callback":
            return NewJob(inbox.event_key(data, body), inbox.EVENT, body, inbox.event_lane(data))
        if clicks.durable(data):
            return NewJob(clicks.click_key(data), inbox.CLICK, body, clicks.click_lane(data))
        return None
