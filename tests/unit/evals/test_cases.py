"""Loading case files: the good file, and one clear error per kind of mistake."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evals.cases import CaseFileError, load_case_file, load_case_files
from tests.unit.evals.conftest import CASES, ORG

GOOD_CASE = """
  - id: one
    requester: ada@tiny.test
    turns: ["github read for a day"]
    expect: {outcome: proposal, proposal: {entitlements: [github:read]}}
"""


def write(tmp_path: Path, body: str, *, org: str = "org.yaml", name: str = "cases.yaml") -> Path:
    shutil.copy(ORG, tmp_path / "org.yaml")
    path = tmp_path / name
    path.write_text(f"org: {org}\nnow: 2026-03-02T09:30:00+01:00\n{body}", encoding="utf-8")
    return path


def test_the_good_file_loads() -> None:
    [file] = load_case_files([CASES])
    assert [c.id for c in file.cases][:2] == ["like-bo-until-friday", "github-write-permanent"]
    assert file.org.path == ORG.resolve()
    assert file.org.directory.person("ada@tiny.test") is not None
    first, capped = file.cases[0], file.cases[2]
    assert file.now_for(first).isoformat() == "2026-03-02T09:30:00+01:00"
    assert file.now_for(capped).isoformat() == "2026-03-04T16:00:00+01:00"
    assert first.expect.proposal is not None
    assert first.expect.proposal.end == "2026-03-06"  # YAML's date, normalised
    assert first.expect.proposal.listed() == [
        "kind",
        "beneficiary",
        "access_like",
        "entitlements",
        "identities",
        "end",
        "capped",
    ]


def test_org_path_is_relative_to_the_case_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    path = write(tmp_path, "cases:" + GOOD_CASE, org="../org.yaml", name="sub/cases.yaml")
    assert load_case_file(path).org.path == (tmp_path / "org.yaml").resolve()


def test_each_org_file_is_read_once(tmp_path: Path) -> None:
    a = write(tmp_path, "cases:" + GOOD_CASE, name="a.yaml")
    b = write(tmp_path, "cases:" + GOOD_CASE, name="b.yaml")
    first, second = load_case_files([a, b])
    assert first.org is second.org


def test_a_case_may_set_its_own_clock_when_the_file_has_none(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    shutil.copy(ORG, tmp_path / "org.yaml")
    path.write_text("org: org.yaml\ncases:" + GOOD_CASE + "    now: 2026-01-01T00:00:00Z\n")
    assert load_case_file(path).cases[0].now is not None


BAD = [
    (
        "cases:" + GOOD_CASE + "    colour: blue\n",
        "cases[0] (one).colour: unknown key",
    ),
    (
        "cases:" + GOOD_CASE.replace("entitlements:", "entitlement:"),
        "cases[0] (one).expect.proposal.entitlement: unknown key",
    ),
    ("cases:" + GOOD_CASE + GOOD_CASE, "cases[1].id: duplicate id 'one' (first at cases[0])"),
    (
        "cases:"
        + GOOD_CASE.replace(
            "outcome: proposal, proposal: {entitlements: [github:read]}", "outcome: approve"
        ),
        "cases[0] (one).expect.outcome: Input should be 'proposal', 'clarify', 'refuse', "
        "'answered', 'withdraw' or 'cancelled' (got 'approve')",
    ),
    (
        "cases:" + GOOD_CASE.replace("outcome: proposal,", "outcome: clarify,"),
        "cases[0] (one).expect: proposal is given but outcome is clarify",
    ),
    (
        "cases:" + GOOD_CASE.replace("github:read]}", "github:read], end: next week}"),
        "cases[0] (one).expect.proposal.end: end must be a date (YYYY-MM-DD) or 'permanent'",
    ),
    (
        "cases:" + GOOD_CASE.replace("turns:", "now: 2026-03-02T09:30:00\n    turns:"),
        "cases[0] (one).now: Input should have timezone info",
    ),
    (
        "cases:" + GOOD_CASE.replace('    turns: ["github read for a day"]\n', ""),
        "cases[0] (one).turns: required",
    ),
    (
        "cases:\n  - {id: c, requester: a@b, turns: [hi], expect: {outcome: clarify, "
        "clarify: [who]}}\n",
        "cases[0] (c).expect.clarify[0]: Input should be",
    ),
    ("cases: []\n", "cases: List should have at least 1 item"),
    ("cases: [\n", "not valid YAML"),
]


@pytest.mark.parametrize(("body", "message"), BAD)
def test_bad_files_name_the_file_and_the_place(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(CaseFileError) as error:
        load_case_file(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


def test_a_missing_org_file_is_a_case_file_error(tmp_path: Path) -> None:
    path = write(tmp_path, "cases:" + GOOD_CASE, org="nowhere.yaml")
    with pytest.raises(CaseFileError, match=r"org .*nowhere\.yaml: .*cannot read"):
        load_case_file(path)


def test_a_bad_org_file_reports_its_problems(tmp_path: Path) -> None:
    (tmp_path / "bad-org.yaml").write_text("org: {name: X}\npeople: [{id: a}]\n")
    path = write(tmp_path, "cases:" + GOOD_CASE, org="bad-org.yaml")
    with pytest.raises(CaseFileError, match=r"people\[0\]\.name: required"):
        load_case_file(path)


def test_a_file_without_any_clock_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    shutil.copy(ORG, tmp_path / "org.yaml")
    path.write_text("org: org.yaml\ncases:" + GOOD_CASE)
    with pytest.raises(CaseFileError, match="now is required"):
        load_case_file(path)


def test_a_missing_case_file(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="cannot read"):
        load_case_file(tmp_path / "absent.yaml")


def test_short_answers_stay_text(tmp_path: Path) -> None:
    body = "cases:" + GOOD_CASE.replace(
        'turns: ["github read for a day"]', "turns: [no, yes, on, 2, 2026-03-20]"
    )
    [case] = load_case_file(write(tmp_path, body)).cases
    assert case.turns == ["no", "yes", "on", "2", "2026-03-20"]


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "cases:" + GOOD_CASE.replace("    turns:", "    id: two\n    turns:"))
    with pytest.raises(CaseFileError, match=r"not valid YAML: .*duplicate key 'id'"):
        load_case_file(path)
