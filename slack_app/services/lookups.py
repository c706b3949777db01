"""The store behind the tools' read-only lookups (`tools.base`), for every surface."""

from __future__ import annotations

from domain.model.requests import AccessRequest
from slack_app.bootstrap import Runtime
from tools.base import RequestLookup


class StoreRequests(RequestLookup):
    """Requests in the store: "what's pending?", which request to withdraw or extend."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def open_involving(self, person_id: str) -> list[AccessRequest]:
        with self.runtime.uow() as uow:
            return uow.requests.by_requester(person_id, open_only=True)

    def get(self, request_id: str) -> AccessRequest | None:
        with self.runtime.uow() as uow:
            return uow.requests.get(request_id)
