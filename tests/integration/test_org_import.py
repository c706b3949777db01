"""Org import and export through the SQL stores: lossless, all-or-nothing, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from domain.errors import InvalidOrgData
from domain.model.org import OrgData
from domain.orgdata.demo import demo_org_text
from domain.orgdata.orgfile import dump_org, parse_org
from domain.ports import FixedClock
from domain.store.orgsync import export_org, import_org
from tests.integration.conftest import Store
from tests.integration.orgsamples import BAD_ORG, FULL_ORG, fail_inserts, row_counts, table_dump
from tests.orgs import NOW

CLOCK = FixedClock(NOW)


def engine_of(store: Store) -> Engine:
    assert store.engine is not None
    return store.engine


def exported(store: Store) -> OrgData:
    data = export_org(store.uow())
    assert data is not None
    return data


@pytest.mark.parametrize("text_", [FULL_ORG, demo_org_text()], ids=["full", "demo"])
def test_a_good_file_imports_and_exports_losslessly(sql_store: Store, text_: str) -> None:
    assert export_org(sql_store.uow()) is None
    original = parse_org(text_)
    report = import_org(sql_store.uow(), original, actor="cli", clock=CLOCK)
    assert report.changes["people"] == (len(original.people), 0, 0)
    out = exported(sql_store)
    assert out == parse_org(text_)
    assert dump_org(out) == dump_org(parse_org(text_))
    assert dump_org(out, as_json=True) == dump_org(parse_org(text_), as_json=True)
    assert parse_org(dump_org(out)) == out
    again = import_org(sql_store.uow(), parse_org(dump_org(out)), actor="cli", clock=CLOCK)
    assert again.summary() == "no changes"
    with sql_store.uow() as uow:
        trail = uow.audit.since()
    assert [e.action for e in trail] == ["org.imported", "org.imported"]
    assert trail[0].actor == "cli" and trail[0].data["summary"] == report.summary()
    assert trail[1].data["changes"] == {}


def test_a_bad_file_is_rejected_whole_and_changes_nothing(sql_store: Store) -> None:
    engine = engine_of(sql_store)
    import_org(sql_store.uow(), parse_org(FULL_ORG), actor="cli", clock=CLOCK)
    before, counts, text_before = (
        table_dump(engine),
        row_counts(engine),
        dump_org(exported(sql_store)),
    )
    with pytest.raises(InvalidOrgData) as rejected:
        import_org(sql_store.uow(), parse_org(BAD_ORG), actor="cli", clock=CLOCK)
    paths = [p.split(":")[0] for p in rejected.value.problems]
    assert paths == [
        "org.timezone",
        "org.max_duration",
        "people[1].id",
        "people[0].manager",
        "applications[0].approval[0]",
        "identities[0].grants[0]",
    ]
    assert table_dump(engine) == before and row_counts(engine) == counts
    assert dump_org(exported(sql_store)) == text_before


def test_an_unchecked_model_is_checked_before_anything_is_written(sql_store: Store) -> None:
    """A connector may build `OrgData` without `parse_org`: the import checks it again."""
    engine = engine_of(sql_store)
    import_org(sql_store.uow(), parse_org(FULL_ORG), actor="cli", clock=CLOCK)
    before = table_dump(engine)
    unchecked = parse_org(FULL_ORG)
    unchecked.people[2].manager = "ghost@u.test"
    unchecked.identities[0].grants[0].entitlement = "github:nope"
    with pytest.raises(InvalidOrgData) as rejected:
        import_org(sql_store.uow(), unchecked, actor="cli", clock=CLOCK)
    assert len(rejected.value.problems) == 2
    assert table_dump(engine) == before


def test_a_database_failure_mid_sync_rolls_back_everything(sql_store: Store) -> None:
    engine = engine_of(sql_store)
    import_org(sql_store.uow(), parse_org(FULL_ORG), actor="cli", clock=CLOCK)
    before, counts = table_dump(engine), row_counts(engine)
    changed = parse_org(FULL_ORG)
    changed.people[0].name = "Renamed first"  # written before the grants
    del changed.people[6]
    changed.identities[0].grants.append(changed.identities[1].grants[0].model_copy())
    fail_inserts(engine, "org_grants")
    with pytest.raises(DBAPIError, match="injected failure"):
        import_org(sql_store.uow(), changed, actor="cli", clock=CLOCK)
    assert table_dump(engine) == before and row_counts(engine) == counts
    with sql_store.uow() as uow:
        assert uow.org.version() == 1


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_events SET actor = 'mallory'", "DELETE FROM audit_events"]
)
def test_the_database_refuses_to_rewrite_the_audit_trail(sql_store: Store, statement: str) -> None:
    engine = engine_of(sql_store)
    import_org(sql_store.uow(), parse_org(FULL_ORG), actor="cli", clock=CLOCK)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    with sql_store.uow() as uow:
        assert [e.actor for e in uow.audit.since()] == ["cli"]


@pytest.mark.postgres
def test_postgres_refuses_truncating_the_audit_trail(pg_store: Store) -> None:
    engine = engine_of(pg_store)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_events"))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_orgs_we_did_not_hand_write_round_trip(sql_store: Store, seed: int) -> None:
    """Orgs from the benchmark generator (random titles, trees, service accounts, expiring
    grants), as YAML and as JSON: whatever is in the spec's format must import losslessly."""
    from bench.gen_org import generate

    data = generate(people=60 + 20 * seed, apps=8, entitlements=30, grants=300, seed=seed)
    for as_json in (False, True):
        text_ = dump_org(data, as_json=as_json)
        import_org(sql_store.uow(), parse_org(text_), actor="cli", clock=CLOCK)
        assert exported(sql_store) == parse_org(text_)
