"""The benchmark org generator: exact sizes, deterministic, and a file that imports."""

from __future__ import annotations

from pathlib import Path

from bench.gen_org import generate, main
from domain.model.directory import Directory
from domain.model.org import IdentityKind
from domain.orgdata.orgfile import dump_org, parse_org, read_org_file

SIZE = {"people": 200, "apps": 30, "entitlements": 120, "grants": 2_000}


def test_counts() -> None:
    data = generate(**SIZE, seed=3)
    assert len(data.people) == 200
    assert len(data.applications) == 30
    assert sum(len(a.entitlements) for a in data.applications) == 120
    assert sum(len(i.grants) for i in data.identities) == 2_000
    assert any(i.kind is IdentityKind.SERVICE for i in data.identities)
    assert len(data.roles) >= 4
    assert data.job_titles
    assert {"security", "it-admins", "finance-approvers", "data-owners"} <= set(data.groups)


def test_shape() -> None:
    data = generate(**SIZE, seed=3)
    directory = Directory(data)
    tops = [p for p in data.people if p.manager is None]
    assert [p.title for p in tops] == ["CEO"]
    assert len(list(directory.reports_under(tops[0].id))) == 199
    titles = directory.titles()
    assert 20 <= len(titles) <= 60
    assert max(len(people) for people in directory.people_by_title.values()) >= 10
    assert any(not p.active for p in data.people)
    bigger = generate(people=50, apps=200, entitlements=400, grants=500)
    assert any(not a.requestable for a in bigger.applications)


def test_deterministic() -> None:
    assert generate(**SIZE, seed=7) == generate(**SIZE, seed=7)
    assert generate(**SIZE, seed=7) != generate(**SIZE, seed=8)


def test_dump_parses_to_an_equal_model() -> None:
    data = generate(**SIZE, seed=1)
    assert parse_org(dump_org(data)) == data
    assert parse_org(dump_org(data, as_json=True)) == data


def test_tiny_sizes_still_parse() -> None:
    for people, apps, ents, grants in [(1, 1, 1, 0), (1, 1, 1, 5), (3, 2, 2, 10), (9, 3, 3, 50)]:
        data = generate(people, apps, ents, grants)
        assert sum(len(i.grants) for i in data.identities) == grants
        assert parse_org(dump_org(data)) == data


def test_main_writes_a_file_that_imports(tmp_path: Path) -> None:
    out = tmp_path / "org.yaml"
    assert main([str(out), "--people", "60", "--apps", "8", "--entitlements", "30",
                 "--grants", "400", "--seed", "2"]) == 0  # fmt: skip
    data = read_org_file(out)
    assert len(data.people) == 60
    assert data == generate(60, 8, 30, 400, 2)
    json_out = tmp_path / "org.json"
    assert main([str(json_out), "--people", "20", "--apps", "4", "--entitlements", "8",
                 "--grants", "50", "--json"]) == 0  # fmt: skip
    assert json_out.read_text(encoding="utf-8").startswith("{")
    assert len(read_org_file(json_out).people) == 20
