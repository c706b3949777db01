"""`python -m bench.run`: the foundation's speed targets on a generated large org.

Prints org import time (target ≤ 60 s), access diff p50/p99 for access like a person
and a job title (target p99 ≤ 10 ms) and find-person p50/p99 (target p99 ≤ 5 ms), on
10,000 people, 1,000 apps, 5,000 entitlements and 100,000 grants by default; then the
revoke storm (`bench.revoke_storm`: 10,000 grants ending in one minute, revoked
through the outbox by the webhook connector, target ≤ 60 s).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from bench import revoke_storm
from bench.gen_org import generate
from bench.stats import line, timed
from domain.model.access_like import access_like
from domain.model.directory import Directory
from domain.model.requests import AccessLikeKind
from domain.ports import SystemClock
from domain.store.engine import make_engine
from domain.store.migrate import migrate
from domain.store.orgsync import export_org, import_org
from domain.store.uow import SqlUnitOfWork
from tools.find import match_person


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=1_000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument(
        "--storm-grants", type=int, default=10_000, help="revoke storm size (0: skip it)"
    )
    args = parser.parse_args()
    data = generate(
        people=args.people,
        apps=args.people // 10,
        entitlements=args.people // 2,
        grants=args.people * 10,
    )
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    engine = make_engine(url)
    migrate(engine)
    start = time.perf_counter()
    report = import_org(SqlUnitOfWork(engine), data, actor="bench", clock=SystemClock())
    imported = time.perf_counter() - start
    print(
        f"org import ({args.people} people, {url.split(':')[0]}): {imported:.2f} s "
        f"(target ≤ 60 s) — {report.summary()}"
    )
    start = time.perf_counter()
    loaded = export_org(SqlUnitOfWork(engine))
    assert loaded is not None
    directory = Directory(loaded)
    print(f"org load + index: {time.perf_counter() - start:.2f} s")
    rng = random.Random(0)
    people = [p for p in directory.data.people if p.active]
    pairs = [(rng.choice(people), rng.choice(people)) for _ in range(args.samples)]
    print(
        line(
            "access diff, like a person",
            timed(
                lambda pr: access_like(
                    directory, kind=AccessLikeKind.PERSON, reference=pr[1].id, beneficiary=pr[0].id
                ),
                pairs,
            ),
            target=10,
        )
    )
    titled = [(b, r) for b, r in pairs if r.title]
    print(
        line(
            "access diff, like a job title",
            timed(
                lambda pr: access_like(
                    directory,
                    kind=AccessLikeKind.JOB_TITLE,
                    reference=pr[1].title,
                    beneficiary=pr[0].id,
                ),
                titled,
            ),
            target=10,
        )
    )
    match_person(directory, "warm up the index")
    queries = [q for p, _ in pairs for q in (p.name, p.name.split()[0], p.id)]
    print(
        line(
            "find person (name, first name, email)",
            timed(lambda q: match_person(directory, q), queries),
            target=5,
        )
    )
    if args.storm_grants:
        revoke_storm.run(grants=args.storm_grants, workers=1, database_url=None)


if __name__ == "__main__":
    main()
