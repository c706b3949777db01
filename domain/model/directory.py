"""An indexed, read-only view of one org snapshot.

Tools answer from this in memory: who holds what, whose manager is whom, which app
an entitlement belongs to. It is built once per org version (import, fulfilled grant)
so a lookup or an access diff costs dictionary reads, not queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from domain.ids import key
from domain.model.isoduration import IsoDuration, parse_iso_duration
from domain.model.org import (
    Application,
    Entitlement,
    FourEyes,
    Identity,
    OrgData,
    Person,
    Reminders,
    Role,
)


class Directory:
    def __init__(self, data: OrgData) -> None:
        self.data = data
        self.people: dict[str, Person] = {key(p.id): p for p in data.people}
        self.apps: dict[str, Application] = {key(a.id): a for a in data.applications}
        self.entitlements: dict[str, Entitlement] = {}
        self.app_of: dict[str, Application] = {}
        for app in data.applications:
            for ent in app.entitlements:
                self.entitlements[key(ent.id)] = ent
                self.app_of[key(ent.id)] = app
        self.roles: dict[str, Role] = {key(r.id): r for r in data.roles}
        self.groups: dict[str, list[str]] = {key(n): m for n, m in data.groups.items()}
        self.identities: dict[str, Identity] = {key(i.id): i for i in data.identities}
        self.identities_of: dict[str, list[Identity]] = defaultdict(list)
        for ident in data.identities:
            if ident.person is not None:
                self.identities_of[key(ident.person)].append(ident)
        self.by_slack_id = {p.slack_id.upper(): p for p in data.people if p.slack_id}
        self.reports_of: dict[str, list[Person]] = defaultdict(list)
        self.people_by_title: dict[str, list[Person]] = defaultdict(list)
        for person in data.people:
            if person.manager:
                self.reports_of[key(person.manager)].append(person)
            if person.title:
                self.people_by_title[key(person.title)].append(person)

    # --- settings -------------------------------------------------------------------
    @cached_property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.data.org.timezone)

    @cached_property
    def org_cap(self) -> IsoDuration | None:
        text = self.data.org.max_duration
        return parse_iso_duration(text) if text else None

    @property
    def reasons(self) -> list[str]:
        return self.data.org.reasons

    @property
    def four_eyes(self) -> FourEyes:
        return self.data.org.four_eyes or FourEyes.PRIVILEGED

    @property
    def reminders(self) -> Reminders:
        return self.data.org.reminders or Reminders()

    @cached_property
    def entitlement_position(self) -> dict[str, int]:
        """Order of entitlements as the org file lists them, for stable output."""
        return {k: n for n, k in enumerate(self.entitlements)}

    # --- lookups ----------------------------------------------------------------------
    def person(self, person_id: str) -> Person | None:
        return self.people.get(key(person_id))

    def entitlement(self, entitlement_id: str) -> Entitlement | None:
        return self.entitlements.get(key(entitlement_id))

    def app(self, app_id: str) -> Application | None:
        return self.apps.get(key(app_id))

    def role(self, role_id: str) -> Role | None:
        return self.roles.get(key(role_id))

    def group(self, name: str) -> list[str]:
        return self.groups.get(key(name), [])

    def manager_of(self, person_id: str) -> Person | None:
        person = self.person(person_id)
        return self.person(person.manager) if person and person.manager else None

    def titles(self) -> list[str]:
        """Every job title in use or with a standard bundle, as first written."""
        seen: dict[str, str] = {key(t): t for t in self.data.job_titles}
        for people in self.people_by_title.values():
            seen.setdefault(key(people[0].title or ""), people[0].title or "")
        return sorted(seen.values())

    def title_bundle(self, title: str) -> list[str] | None:
        for name, bundle in self.data.job_titles.items():
            if key(name) == key(title):
                return bundle
        return None

    # --- holdings ---------------------------------------------------------------------
    def held_by(self, person_id: str, *, at: datetime | None = None) -> set[str]:
        """Entitlement ids (canonical) the person's identities hold, unexpired at `at`."""
        held: set[str] = set()
        for ident in self.identities_of.get(key(person_id), []):
            for grant in ident.grants:
                if at is None or grant.expires is None or grant.expires > at:
                    held.add(grant.entitlement)
        return held

    def identities_in(self, person_id: str, app_id: str) -> list[Identity]:
        return [i for i in self.identities_of.get(key(person_id), []) if key(i.app) == key(app_id)]

    def is_requestable(self, entitlement_id: str) -> bool:
        app = self.app_of.get(key(entitlement_id))
        return app is not None and app.requestable

    def reports_under(self, manager_id: str) -> Iterator[Person]:
        """Direct and indirect reports (the manager tree has no cycles: import checks it)."""
        stack = list(self.reports_of.get(key(manager_id), []))
        while stack:
            person = stack.pop()
            yield person
            stack.extend(self.reports_of.get(key(person.id), []))

    def manages(self, manager_id: str, person_id: str) -> bool:
        current = self.person(person_id)
        seen: set[str] = set()
        while current is not None and current.manager and key(current.id) not in seen:
            seen.add(key(current.id))
            if key(current.manager) == key(manager_id):
                return True
            current = self.person(current.manager)
        return False
