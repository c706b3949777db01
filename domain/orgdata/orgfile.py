"""Read, check and write org data files (docs/specs/org-data.md).

`parse_org(text)` either returns a fully checked `OrgData` whose references all use
the ids as their targets wrote them, or raises `InvalidOrgData` listing every problem
with its path in the file. Nothing here touches storage: callers validate first and
write only a file that passed, which is what keeps a rejected import from changing
the database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from domain.errors import InvalidOrgData
from domain.model.org import OrgData
from domain.orgdata.orgcheck import check_references
from domain.orgdata.yamlfile import load_yaml


def load_document(text: str) -> Any:
    """YAML or JSON (JSON is YAML's subset, but its error messages are clearer)."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidOrgData([f"(file): not valid JSON: {exc}"]) from exc
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        raise InvalidOrgData([f"(file): not valid YAML: {exc}"]) from exc


def format_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _schema_problems(error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors():
        loc = tuple(p for p in item["loc"] if not str(p).startswith("function-"))
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown key"
        elif item["type"] == "missing":
            message = "required"
        problems.append(f"{format_path(loc)}: {message}")
    return problems


def parse_org(text: str) -> OrgData:
    document = load_document(text)
    if not isinstance(document, dict):
        raise InvalidOrgData(["(top level): expected a mapping with an 'org' key"])
    try:
        data = OrgData.model_validate(document)
    except ValidationError as exc:
        raise InvalidOrgData(_schema_problems(exc)) from exc
    problems = check_references(data)
    if problems:
        raise InvalidOrgData(problems)
    return data


def read_org_file(path: Path) -> OrgData:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidOrgData([f"(file): cannot read {path}: {exc.strerror}"]) from exc
    except UnicodeDecodeError as exc:
        raise InvalidOrgData([f"(file): {path} is not UTF-8 text"]) from exc
    return parse_org(text)


def dump_org(data: OrgData, *, as_json: bool = False) -> str:
    """The file form: defaults left out, grants without expiry written as plain ids."""
    document = data.model_dump(mode="json", exclude_defaults=True)
    document["org"] = data.org.model_dump(mode="json", exclude_none=True)
    for identity in document.get("identities", []):
        identity["grants"] = [
            g["entitlement"] if set(g) == {"entitlement"} else g for g in identity.get("grants", [])
        ]
        if not identity["grants"]:
            del identity["grants"]
    if as_json:
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
