"""Who a Slack user is in the org, and where to reach a person in Slack.

A person's `slack_id` in the org data wins; otherwise the Slack profile's email is
matched against person ids (which are emails), once, and remembered for the life of
the process. Terminated people are nobody here: they cannot ask or approve.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from domain.ids import key
from domain.model.directory import Directory
from domain.model.org import Person
from slack_app.bootstrap import Runtime
from slack_app.slackapi import retry

log = logging.getLogger(__name__)

NOT_FOUND = (
    "I can't find you in the org directory, so I can't take requests from you yet. "
    "Ask an admin to add your Slack account or email to the org data."
)


@dataclass
class UserMap:
    runtime: Runtime
    client: AsyncWebClient
    _person_of: dict[str, str] = field(default_factory=dict)  # slack id -> person id
    _slack_of: dict[str, str] = field(default_factory=dict)  # person key -> slack id

    async def directory(self) -> Directory:
        return await asyncio.to_thread(self.runtime.directory)

    async def person(self, slack_id: str) -> Person | None:
        """The active person behind a Slack user id, or None."""
        directory = await self.directory()
        person = directory.by_slack_id.get(slack_id.upper())
        if person is None:
            person_id = self._person_of.get(slack_id)
            if person_id is None:
                person_id = await self._by_email(directory, slack_id)
            person = directory.person(person_id) if person_id else None
        return person if person is not None and person.active else None

    async def slack_id(self, person_id: str) -> str | None:
        """The Slack user id to DM a person at: their slack_id, else looked up by email."""
        directory = await self.directory()
        person = directory.person(person_id)
        if person is None:
            return None
        if person.slack_id:
            return person.slack_id
        known = self._slack_of.get(key(person.id))
        if known is not None:
            return known
        try:
            found = await retry.call(self.client.users_lookupByEmail, email=person.id)
        except SlackApiError as exc:
            log.warning("no Slack user for %s: %s", person.id, exc.response.get("error"))
            return None
        slack_id = str(found["user"]["id"])
        self._remember(slack_id, person.id)
        return slack_id

    async def _by_email(self, directory: Directory, slack_id: str) -> str | None:
        try:
            info = await retry.call(self.client.users_info, user=slack_id)
        except SlackApiError as exc:
            log.warning("users.info %s failed: %s", slack_id, exc.response.get("error"))
            return None
        email = ((info.get("user") or {}).get("profile") or {}).get("email")
        person = directory.person(email) if email else None
        if person is None:
            return None
        self._remember(slack_id, person.id)
        return person.id

    def _remember(self, slack_id: str, person_id: str) -> None:
        self._person_of[slack_id] = person_id
        self._slack_of[key(person_id)] = slack_id
