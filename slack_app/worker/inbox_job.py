"""What a listener run by the inbox worker knows of its job (the Bolt context's
`INBOX_JOB`): the job, the "Thinking…" message posted for it, and the error it raised.

The placeholder is remembered in the store as soon as it is posted, so when the
worker dies mid-turn the attempt that takes the job over updates that message rather
than posting a second one and leaving the first saying "Thinking…" for ever.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.ports import Job, MessageAt
from slack_app.bootstrap import Runtime

INBOX_JOB = "inbox_job"  # the Bolt context key a listener sees when run by the worker


@dataclass
class JobRun:
    job: Job
    reply: MessageAt | None = None  # posted by this attempt or an earlier one
    error: BaseException | None = None  # what the listener raised (Bolt swallows it)

    @classmethod
    def of(cls, job: Job) -> JobRun:
        return cls(job, job.reply)


def remember_reply(runtime: Runtime, run: JobRun, message: MessageAt) -> None:
    """Synchronous (call it off the event loop): the placeholder, in memory and stored."""
    run.reply = message
    with runtime.uow() as uow:
        uow.inbox.reply(run.job.id, message)
        uow.commit()
