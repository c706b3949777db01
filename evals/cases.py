"""Load and check eval case files (docs/specs/eval-cases.md: a public format).

A bad file is reported whole, as one `CaseFileError` naming the file and every
problem by its place in it, with the case id when there is one:
`cases.yaml: cases[2] (like-priya).expect.outcome: Input should be 'proposal', ...`.
Each org file is read once, however many case files point at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import AwareDatetime, Field, ValidationError, model_validator

from domain.errors import InvalidOrgData
from domain.model.directory import Directory
from domain.model.org import OrgData
from domain.orgdata.orgfile import read_org_file
from domain.orgdata.yamlfile import load_yaml, one_line
from evals.expect import Expect, Strict


class CaseFileError(Exception):
    def __init__(self, path: Path | str, problems: list[str]) -> None:
        super().__init__(f"{path}: {'; '.join(problems)}")
        self.path = str(path)
        self.problems = problems


class GivenRequest(Strict):
    """A request already submitted (pending its first approval) when the case starts."""

    requester: str = Field(min_length=1)
    beneficiary: str | None = Field(default=None, description="Default: the requester.")
    entitlements: list[str] = Field(min_length=1)
    duration: str = Field(
        default="permanent", description='An ISO-8601 duration ("P7D") or "permanent".'
    )
    reason: str | None = Field(default=None, description="Default: the org's last reason.")
    justification: str = ""


class Given(Strict):
    requests: list[GivenRequest] = Field(default_factory=list)


class Case(Strict):
    id: str = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    requester: str = Field(min_length=1)
    now: AwareDatetime | None = None
    given: Given | None = None
    turns: list[str] = Field(min_length=1)
    expect: Expect


class CaseFileModel(Strict):
    org: str = Field(min_length=1)
    now: AwareDatetime | None = None
    cases: list[Case] = Field(min_length=1)

    @model_validator(mode="after")
    def _every_case_has_a_clock(self) -> CaseFileModel:
        if self.now is None and any(c.now is None for c in self.cases):
            raise ValueError("now is required (some cases set no now of their own)")
        return self


@dataclass(frozen=True)
class OrgSnapshot:
    path: Path
    data: OrgData
    directory: Directory


@dataclass(frozen=True)
class CaseFile:
    path: Path
    org: OrgSnapshot
    cases: list[Case]
    now: datetime | None

    def now_for(self, case: Case) -> datetime:
        clock = case.now or self.now
        assert clock is not None, "checked at load"
        return clock


def load_case_files(paths: list[str] | list[Path]) -> list[CaseFile]:
    orgs: dict[Path, OrgSnapshot] = {}
    return [load_case_file(Path(p), orgs) for p in paths]


def load_case_file(path: Path, orgs: dict[Path, OrgSnapshot] | None = None) -> CaseFile:
    model = _parse(path, _read(path))
    org_path = (path.parent / model.org).resolve()
    cache = {} if orgs is None else orgs
    if org_path not in cache:
        cache[org_path] = _load_org(path, org_path)
    return CaseFile(path=path, org=cache[org_path], cases=model.cases, now=model.now)


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CaseFileError(path, [f"cannot read: {exc.strerror}"]) from exc
    except UnicodeDecodeError as exc:
        raise CaseFileError(path, ["not UTF-8 text"]) from exc
    try:
        return load_yaml(text, yaml12=True)
    except yaml.YAMLError as exc:
        raise CaseFileError(path, [one_line(exc)]) from exc


def _parse(path: Path, document: Any) -> CaseFileModel:
    if not isinstance(document, dict):
        raise CaseFileError(path, ["(top level): expected a mapping with org, now and cases"])
    try:
        model = CaseFileModel.model_validate(document)
    except ValidationError as exc:
        raise CaseFileError(path, [_problem(document, e) for e in exc.errors()]) from exc
    duplicates = _duplicate_ids(model.cases)
    if duplicates:
        raise CaseFileError(path, duplicates)
    return model


def _duplicate_ids(cases: list[Case]) -> list[str]:
    first: dict[str, int] = {}
    problems = []
    for n, case in enumerate(cases):
        if case.id in first:
            problems.append(
                f"cases[{n}].id: duplicate id {case.id!r} (first at cases[{first[case.id]}])"
            )
        first.setdefault(case.id, n)
    return problems


def _load_org(path: Path, org_path: Path) -> OrgSnapshot:
    try:
        data = read_org_file(org_path)
    except InvalidOrgData as exc:
        problems = [f"org {org_path}: {p.removeprefix('(file): ')}" for p in exc.problems]
        raise CaseFileError(path, problems) from exc
    return OrgSnapshot(path=org_path, data=data, directory=Directory(data))


def _problem(document: dict[str, Any], error: Any) -> str:
    loc = tuple(p for p in error["loc"] if not str(p).startswith("function-"))
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    elif error["type"] == "missing":
        message = "required"
    elif error["type"].startswith("literal_error"):
        message = f"{message} (got {error['input']!r})"
    return f"{_where(document, loc)}: {message}"


def _where(document: dict[str, Any], loc: tuple[Any, ...]) -> str:
    out = ""
    for n, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
            if n == 1 and loc[0] == "cases":
                out += _case_id(document, part)
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _case_id(document: dict[str, Any], index: int) -> str:
    cases = document.get("cases")
    case = cases[index] if isinstance(cases, list) and index < len(cases) else None
    case_id = case.get("id") if isinstance(case, dict) else None
    return f" ({case_id})" if case_id else ""
