"""An outbox worker in a process of its own, for tests that SIGKILL it.

    python -m tests.integration.killable_worker DATABASE_URL --lease 1 --offset 0 --limit 2

The product's loop (`slack_app.worker.outbox.run_outbox`) minus the Slack messages and
the tenacity retries (importing that module pulls in the agent and Slack SDK, seconds
per start on a busy box; the receiver here never fails transiently): each round is
`domain.usecases.outbox.deliver_due` with the connectors built as the runtime builds
them (`OrgConnectors` fed by `DirectoryCache`, secrets from the environment). Two knobs the product fixes: the lease
(`LEASE`, 5 minutes, a constant) is `--lease` seconds, so a restart need not wait five
minutes for the dead worker's claim to lapse, and the outbox's clock runs `--offset`
seconds ahead of the wall clock, so revokes queued by an expiry "days later" are due.
The connectors sign with the wall clock, as in production. It starts delivering once a
line arrives on stdin, so a test can have the next worker loaded while this one runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.connectors import OrgConnectors
from domain.ports import SystemClock
from domain.store.engine import make_engine
from domain.store.uow import SqlUnitOfWork
from domain.usecases.outbox import deliver_due
from slack_app.bootstrap import DirectoryCache


@dataclass
class AheadClock:
    ahead: timedelta

    def now(self) -> datetime:
        return datetime.now(UTC) + self.ahead


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("--lease", type=float, default=1.0)
    parser.add_argument("--offset", type=float, default=0.0)
    parser.add_argument("--limit", type=int, default=2)
    parser.add_argument("--poll", type=float, default=0.1)
    args = parser.parse_args()
    engine = make_engine(args.database_url)
    directories = DirectoryCache(lambda: SqlUnitOfWork(engine))
    connectors = OrgConnectors(os.environ, load=directories.get, clock=SystemClock())
    directories.on_change.append(connectors.update)
    directories.get()
    clock = AheadClock(timedelta(seconds=args.offset))
    sys.stdin.readline()  # "go": the test starts workers ahead, as imports take seconds
    while True:
        done = deliver_due(
            uow=SqlUnitOfWork(engine),
            connectors=connectors,
            clock=clock,
            limit=args.limit,
            lease=timedelta(seconds=args.lease),
        )
        if done:
            print(f"recorded {len(done)}", flush=True)
        else:
            time.sleep(args.poll)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
