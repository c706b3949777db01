"""Domain errors, translated once at each edge (tool result, Slack ephemeral, HTTP 4xx, CLI)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain said no. `code` is stable; the message is for people."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0])


class NotFound(DomainError):
    code = "not_found"


class NotAllowed(DomainError):
    """The acting person may not do this (not the requester, not an eligible approver...)."""

    code = "not_allowed"


class InvalidTransition(DomainError):
    """The request is not in a state where this can happen."""

    code = "invalid_transition"


class Duplicate(DomainError):
    """This very act was done already (a Slack retry, a double click, a second replica):
    its idempotency key was written with the first one's effect. Nothing more to do."""

    code = "duplicate"


class InvalidOrgData(DomainError):
    """An org file was rejected; `problems` lists every error with its path in the file."""

    code = "invalid_org_data"

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"org data rejected, {len(problems)} {noun}:\n" + "\n".join(problems))


class ConcurrentUpdate(DomainError):
    """Someone else changed the request between our read and our write; try again."""

    code = "concurrent_update"
