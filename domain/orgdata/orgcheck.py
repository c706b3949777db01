"""Cross-reference checks for an org file that already matched the schema.

Every problem is reported with its path in the file; when there are none, references
are rewritten to the ids as their targets wrote them, so the rest of the system can
compare ids exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.ids import key
from domain.model.isoduration import parse_iso_duration
from domain.model.org import OrgData, Reminders
from domain.orgdata.connectorcheck import check_connector


@dataclass
class _Ids:
    """Canonical ids by lookup key, plus where each was first defined."""

    kind: str
    canonical: dict[str, str] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)

    def define(self, value: str, path: str, problems: list[str]) -> None:
        k = key(value)
        if k in self.canonical:
            problems.append(
                f'{path}: duplicate {self.kind} id "{value}" (first at {self.where[k]})'
            )
            return
        self.canonical[k] = value
        self.where[k] = path

    def ref(self, value: str, path: str, problems: list[str]) -> str:
        found = self.canonical.get(key(value))
        if found is None:
            problems.append(f'{path}: unknown {self.kind} "{value}"')
            return value
        return found


def check_references(data: OrgData) -> list[str]:
    problems: list[str] = []
    people = _Ids("person")
    apps = _Ids("application")
    ents = _Ids("entitlement")
    roles = _Ids("role")
    groups = _Ids("group")
    _check_settings(data, problems)
    for i, person in enumerate(data.people):
        people.define(person.id, f"people[{i}].id", problems)
    for name in data.groups:
        groups.define(name, f"groups.{name}", problems)
    ent_app: dict[str, str] = {}
    for i, app in enumerate(data.applications):
        apps.define(app.id, f"applications[{i}].id", problems)
        for j, ent in enumerate(app.entitlements):
            ents.define(ent.id, f"applications[{i}].entitlements[{j}].id", problems)
            ent_app.setdefault(key(ent.id), app.id)
    for i, role in enumerate(data.roles):
        roles.define(role.id, f"roles[{i}].id", problems)
    _check_people(data, people, problems)
    _check_groups(data, people, problems)
    _check_apps(data, people, groups, problems)
    _check_bundles(data, ents, problems)
    _check_identities(data, people, apps, ents, ent_app, problems)
    return problems


def _check_settings(data: OrgData, problems: list[str]) -> None:
    try:
        ZoneInfo(data.org.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f'org.timezone: unknown IANA time zone "{data.org.timezone}"')
    _check_duration(data.org.max_duration, "org.max_duration", problems)
    if data.org.reminders is not None:
        _check_reminders(data.org.reminders, problems)
    if not data.org.reasons:
        problems.append("org.reasons: at least one reason is needed")
    _check_unique(data.org.reasons, "org.reasons", "reason", problems)


def _check_reminders(reminders: Reminders, problems: list[str]) -> None:
    """Days and hours only (business days have no months), and escalation after reminding."""
    lengths = []
    for name in ("after", "escalate_after"):
        path = f"org.reminders.{name}"
        try:
            parsed = parse_iso_duration(getattr(reminders, name))
        except ValueError as exc:
            problems.append(f"{path}: {exc}")
            continue
        if parsed.months:
            problems.append(f"{path}: use days or hours (business days), not months or years")
        lengths.append(parsed.days * 86400 + parsed.seconds)
    if len(lengths) == 2 and lengths[1] <= lengths[0]:
        problems.append("org.reminders.escalate_after: must be longer than reminders.after")


def _check_duration(value: str | None, path: str, problems: list[str]) -> None:
    if value is None:
        return
    try:
        parse_iso_duration(value)
    except ValueError as exc:
        problems.append(f"{path}: {exc}")


def _check_unique(values: Iterable[str], path: str, what: str, problems: list[str]) -> None:
    seen: set[str] = set()
    for j, value in enumerate(values):
        if key(value) in seen:
            problems.append(f'{path}[{j}]: duplicate {what} "{value}"')
        seen.add(key(value))


def _check_people(data: OrgData, people: _Ids, problems: list[str]) -> None:
    slack_ids: dict[str, int] = {}
    for i, person in enumerate(data.people):
        if person.manager is not None:
            person.manager = people.ref(person.manager, f"people[{i}].manager", problems)
        if person.slack_id:
            first = slack_ids.setdefault(person.slack_id.upper(), i)
            if first != i:
                problems.append(
                    f'people[{i}].slack_id: duplicate slack_id "{person.slack_id}"'
                    f" (first at people[{first}])"
                )
    _check_cycles(data, problems)


def _check_cycles(data: OrgData, problems: list[str]) -> None:
    manager_of = {key(p.id): key(p.manager) for p in data.people if p.manager}
    index = {key(p.id): i for i, p in enumerate(data.people)}
    reported: set[str] = set()
    for start in manager_of:
        chain, current = [start], manager_of.get(start)
        while current is not None and current not in chain:
            chain.append(current)
            current = manager_of.get(current)
        if current is None or current in reported:
            continue
        cycle = chain[chain.index(current) :]
        reported.update(cycle)
        names = " → ".join(data.people[index[k]].id for k in [*cycle, current])
        problems.append(f"people[{index[current]}].manager: manager cycle {names}")


def _check_groups(data: OrgData, people: _Ids, problems: list[str]) -> None:
    for name, members in data.groups.items():
        data.groups[name] = [
            people.ref(m, f"groups.{name}[{j}]", problems) for j, m in enumerate(members)
        ]
        _check_unique(members, f"groups.{name}", "member", problems)


def _check_apps(data: OrgData, people: _Ids, groups: _Ids, problems: list[str]) -> None:
    for i, app in enumerate(data.applications):
        path = f"applications[{i}]"
        app.owners = [
            people.ref(o, f"{path}.owners[{j}]", problems) for j, o in enumerate(app.owners)
        ]
        _check_unique(app.owners, f"{path}.owners", "owner", problems)
        _check_unique(app.aliases, f"{path}.aliases", "alias", problems)
        _check_duration(app.max_duration, f"{path}.max_duration", problems)
        check_connector(app, path, problems)
        app.approval = _steps(app.approval, f"{path}.approval", people, groups, problems)
        for j, ent in enumerate(app.entitlements):
            epath = f"{path}.entitlements[{j}]"
            _check_duration(ent.max_duration, f"{epath}.max_duration", problems)
            if ent.approval is not None:
                ent.approval = _steps(ent.approval, f"{epath}.approval", people, groups, problems)


def _steps(
    steps: list[str], path: str, people: _Ids, groups: _Ids, problems: list[str]
) -> list[str]:
    out = []
    if not steps:
        problems.append(f"{path}: at least one approval step is needed")
    _check_unique(steps, path, "approval step", problems)
    for j, step in enumerate(steps):
        kind, _, target = step.partition(":")
        kind = kind.strip().lower()
        if kind in ("manager", "app_owner") and not target:
            out.append(kind)
        elif kind == "group" and target:
            out.append(f"group:{groups.ref(target.strip(), f'{path}[{j}]', problems)}")
        elif kind == "person" and target:
            out.append(f"person:{people.ref(target.strip(), f'{path}[{j}]', problems)}")
        else:
            problems.append(
                f'{path}[{j}]: unknown approval step "{step}"'
                " (expected manager, app_owner, group:NAME or person:ID)"
            )
            out.append(step)
    return out


def _check_bundles(data: OrgData, ents: _Ids, problems: list[str]) -> None:
    for i, role in enumerate(data.roles):
        role.entitlements = [
            ents.ref(e, f"roles[{i}].entitlements[{j}]", problems)
            for j, e in enumerate(role.entitlements)
        ]
        _check_unique(role.entitlements, f"roles[{i}].entitlements", "entitlement", problems)
    for title, bundle in data.job_titles.items():
        data.job_titles[title] = [
            ents.ref(e, f"job_titles.{title}[{j}]", problems) for j, e in enumerate(bundle)
        ]
        _check_unique(bundle, f"job_titles.{title}", "entitlement", problems)
    titles: dict[str, str] = {}
    for title in data.job_titles:
        if key(title) in titles:
            problems.append(f'job_titles.{title}: duplicate job title "{title}"')
        titles[key(title)] = title


def _check_identities(
    data: OrgData,
    people: _Ids,
    apps: _Ids,
    ents: _Ids,
    ent_app: dict[str, str],
    problems: list[str],
) -> None:
    usernames: dict[tuple[str, str], int] = {}
    for i, ident in enumerate(data.identities):
        path = f"identities[{i}]"
        ident.app = apps.ref(ident.app, f"{path}.app", problems)
        if ident.person is not None:
            ident.person = people.ref(ident.person, f"{path}.person", problems)
        first = usernames.setdefault((key(ident.app), key(ident.username)), i)
        if first != i:
            problems.append(
                f'{path}.username: duplicate username "{ident.username}" in app "{ident.app}"'
                f" (first at identities[{first}])"
            )
        seen: set[str] = set()
        for j, grant in enumerate(ident.grants):
            gpath = f"{path}.grants[{j}]"
            grant.entitlement = ents.ref(grant.entitlement, gpath, problems)
            owner = ent_app.get(key(grant.entitlement))
            if owner is not None and key(owner) != key(ident.app):
                problems.append(
                    f'{gpath}: entitlement "{grant.entitlement}" belongs to app "{owner}",'
                    f' not "{ident.app}"'
                )
            if key(grant.entitlement) in seen:
                problems.append(f'{gpath}: duplicate grant "{grant.entitlement}"')
            seen.add(key(grant.entitlement))
