"""Generate a large, believable org snapshot for benchmarks.

`generate(people, apps, entitlements, grants, seed)` returns an `OrgData` that passes
`domain.orgdata.orgfile.parse_org` once dumped: a manager tree under one CEO, departments with
about 50 shared job titles (some with a `job_titles` bundle, the rest left to the
"held by at least half" rule), groups used as approvers, applications with varied
fulfillment, caps and approval chains, roles, and identities holding exactly `grants`
grants in total (when that many distinct (person, entitlement) pairs exist). The same
arguments always give the same org.

    python -m bench.gen_org /tmp/org.yaml --people 10000 --grants 100000
    python -m bench.gen_org /tmp/org.json --json   # far faster to import than YAML
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from domain.model.org import (
    Application,
    Entitlement,
    Fulfillment,
    HeldGrant,
    Identity,
    IdentityKind,
    OrgData,
    OrgSettings,
    Person,
    PersonStatus,
    Role,
)
from domain.orgdata.orgfile import dump_org

DOMAIN = "bench.test"
FANOUT = 7  # average direct reports of a manager

# department -> (head title, manager titles, individual contributor titles)
DEPARTMENTS: dict[str, tuple[str, list[str], list[str]]] = {
    "Engineering": (
        "VP Engineering",
        ["Engineering Manager", "Director of Engineering"],
        [
            "Software Engineer",
            "Senior Software Engineer",
            "Staff Engineer",
            "Site Reliability Engineer",
            "QA Engineer",
            "Engineering Intern",
        ],
    ),
    "Data": (
        "VP Data",
        ["Data Manager", "Director of Data"],
        ["Data Analyst", "Senior Data Analyst", "Data Engineer", "Data Scientist", "ML Engineer"],
    ),
    "Sales": (
        "VP Sales",
        ["Sales Manager", "Regional Sales Director"],
        [
            "Account Executive",
            "Senior Account Executive",
            "Sales Development Rep",
            "Sales Engineer",
            "Sales Operations Analyst",
        ],
    ),
    "Finance": (
        "VP Finance",
        ["Finance Manager", "Controller"],
        ["Accountant", "Senior Accountant", "Financial Analyst", "Payroll Specialist"],
    ),
    "Operations": (
        "VP Operations",
        ["IT Manager", "Security Manager"],
        [
            "IT Administrator",
            "IT Support Specialist",
            "Security Engineer",
            "People Partner",
            "Recruiter",
        ],
    ),
    "Marketing": (
        "VP Marketing",
        ["Marketing Manager", "Director of Marketing"],
        ["Content Marketer", "Product Marketing Manager", "Designer", "Growth Analyst"],
    ),
    "Support": (
        "VP Customer Success",
        ["Support Manager", "Customer Success Lead"],
        ["Support Engineer", "Customer Success Manager", "Technical Writer", "Solutions Architect"],
    ),
}
DEPT_NAMES = list(DEPARTMENTS)

FIRST_NAMES = [
    ("Alex", "alex"), ("Ana", "ana"), ("Ben", "ben"), ("Chen", "chen"), ("Dana", "dana"),
    ("Elif", "elif"), ("Emma", "emma"), ("Felix", "felix"), ("Grace", "grace"),
    ("Hugo", "hugo"), ("Ines", "ines"), ("Jonas", "jonas"), ("José", "jose"),
    ("Kai", "kai"), ("Lena", "lena"), ("Lucas", "lucas"), ("Maria", "maria"),
    ("Mia", "mia"), ("Noah", "noah"), ("Nadia", "nadia"), ("Omar", "omar"),
    ("Olivia", "olivia"), ("Paul", "paul"), ("Priya", "priya"), ("Raj", "raj"),
    ("Ruth", "ruth"), ("Sam", "sam"), ("Sara", "sara"), ("Søren", "soren"),
    ("Tariq", "tariq"), ("Tom", "tom"), ("Uma", "uma"), ("Victor", "victor"),
    ("Yuki", "yuki"), ("Zoë", "zoe"), ("Aisha", "aisha"), ("Björn", "bjorn"),
    ("Chloé", "chloe"), ("David", "david"), ("Fatima", "fatima"),
]  # fmt: skip
LAST_NAMES = [
    ("Meyer", "meyer"), ("Kim", "kim"), ("Raman", "raman"), ("Shah", "shah"),
    ("Haddad", "haddad"), ("Ortiz", "ortiz"), ("Chen", "chen"), ("Müller", "muller"),
    ("Ångström", "angstrom"), ("Becker", "becker"), ("Vogel", "vogel"), ("Patel", "patel"),
    ("Hoffmann", "hoffmann"), ("Klein", "klein"), ("Tanaka", "tanaka"), ("Silva", "silva"),
    ("Novak", "novak"), ("Weiss", "weiss"), ("Rossi", "rossi"), ("Brown", "brown"),
    ("Petrov", "petrov"), ("Berg", "berg"), ("Lee", "lee"), ("Richter", "richter"),
    ("Ali", "ali"), ("Miller", "miller"), ("Wolf", "wolf"), ("Bianchi", "bianchi"),
    ("Nilsson", "nilsson"), ("Cohen", "cohen"), ("Bello", "bello"), ("Clark", "clark"),
    ("García", "garcia"), ("Nowak", "nowak"), ("Dubois", "dubois"), ("Yılmaz", "yilmaz"),
]  # fmt: skip

APP_WORDS = [
    "atlas", "beacon", "cobalt", "delta", "ember", "falcon", "granite", "harbor", "iris",
    "juniper", "kestrel", "lumen", "meridian", "nimbus", "onyx", "pulse", "quartz", "relay",
    "summit", "tundra", "umbra", "vertex", "willow", "xenon", "yonder", "zephyr",
]  # fmt: skip
APP_KINDS = [
    "billing", "crm", "wiki", "ci", "cloud", "monitoring", "paging", "warehouse", "bi",
    "tickets", "vault", "vpn", "hr", "payroll", "design", "docs", "chat", "analytics",
    "registry", "logs", "deploy", "support", "mail", "calendar",
]  # fmt: skip
LEVELS = [
    ("read", "Read", False), ("write", "Write", False), ("admin", "Admin", True),
    ("viewer", "Viewer", False), ("editor", "Editor", False), ("operator", "Operator", False),
    ("auditor", "Auditor", False), ("owner", "Owner", True), ("billing", "Billing", False),
    ("support", "Support", False), ("deploy", "Deploy", True), ("break-glass", "Break glass", True),
]  # fmt: skip
FULFILLMENTS = [Fulfillment.MANUAL, Fulfillment.SCIM, Fulfillment.LDAP, Fulfillment.WEBHOOK]
FULFILLMENT_WEIGHTS = [40, 35, 10, 15]
CAPS = ["P7D", "P14D", "P30D", "P90D"]
REASONS = ["New project", "Role change", "On-call / incident", "Onboarding", "Other"]
GLOBAL_APPS = 10  # the first apps are company-wide (wiki, tickets, chat...)


@dataclass
class _Plan:
    """What generation decides before building models."""

    rng: random.Random
    managers: list[int | None] = field(default_factory=list)
    depts: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    active: list[bool] = field(default_factory=list)
    person_ids: list[str] = field(default_factory=list)
    locals_: list[str] = field(default_factory=list)


def generate(
    people: int = 10_000,
    apps: int = 1_000,
    entitlements: int = 5_000,
    grants: int = 100_000,
    seed: int = 0,
) -> OrgData:
    if people < 1 or apps < 1 or entitlements < apps or grants < 0:
        raise ValueError("need people >= 1, apps >= 1, entitlements >= apps, grants >= 0")
    rng = random.Random(seed)
    plan = _Plan(rng)
    persons = _people(plan, people)
    groups = _groups(plan)
    applications = _applications(plan, apps, entitlements, groups)
    app_of = {e.id: a.id for a in applications for e in a.entitlements}
    ent_ids = [e.id for a in applications for e in a.entitlements]
    dept_pool = _department_pools(plan, applications)
    cores = _title_cores(plan, dept_pool, app_of)
    roles = _roles(plan, dept_pool, max(4, apps // 10))
    job_titles = {
        title: core[: rng.randint(min(2, len(core)), len(core))]
        for title, core in sorted(cores.items())
        if title != "CEO" and core and rng.random() < 0.35
    }
    identities = _identities(plan, ent_ids, app_of, cores, grants)
    return OrgData(
        org=OrgSettings(
            name=f"Bench Org {seed}",
            timezone="Europe/Berlin",
            reasons=REASONS,
            max_duration="P180D",
        ),
        people=persons,
        groups=groups,
        applications=applications,
        roles=roles,
        job_titles=job_titles,
        identities=identities,
    )


def _people(plan: _Plan, count: int) -> list[Person]:
    rng = plan.rng
    used: Counter[str] = Counter()
    out: list[Person] = []
    has_reports = [False] * count
    for i in range(count):
        if i == 0:
            manager = None
        elif i <= FANOUT:
            manager = 0
        else:
            centre = (i - 1) // FANOUT
            manager = rng.randint(max(1, centre - 2), centre)
        plan.managers.append(manager)
        if manager is not None:
            has_reports[manager] = True
    for i in range(count):
        manager = plan.managers[i]
        if manager is None:
            dept = "Executive"
        elif manager == 0:
            dept = DEPT_NAMES[(i - 1) % len(DEPT_NAMES)]
        else:
            dept = plan.depts[manager]
        plan.depts.append(dept)
    for i in range(count):
        manager, dept = plan.managers[i], plan.depts[i]
        if manager is None:
            title = "CEO"
        elif manager == 0:
            title = DEPARTMENTS[dept][0]
        elif has_reports[i]:
            title = rng.choice(DEPARTMENTS[dept][1])
        else:
            ics = DEPARTMENTS[dept][2]
            title = rng.choices(ics, weights=range(len(ics) + 1, 1, -1))[0]
        plan.titles.append(title)
        first, first_slug = rng.choice(FIRST_NAMES)
        last, last_slug = rng.choice(LAST_NAMES)
        local = f"{first_slug}.{last_slug}"
        used[local] += 1
        if used[local] > 1:
            local = f"{local}{used[local]}"
        terminated = i > FANOUT and not has_reports[i] and rng.random() < 0.02
        plan.active.append(not terminated)
        plan.locals_.append(local)
        plan.person_ids.append(f"{local}@{DOMAIN}")
        out.append(
            Person(
                id=f"{local}@{DOMAIN}",
                name=f"{first} {last}",
                title=title,
                department=dept,
                manager=None if manager is None else plan.person_ids[manager],
                slack_id=f"U{i + 1:08X}" if rng.random() < 0.9 else None,
                status=PersonStatus.TERMINATED if terminated else PersonStatus.ACTIVE,
                admin=title in ("IT Administrator", "IT Manager") and rng.random() < 0.3,
            )
        )
    return out


def _groups(plan: _Plan) -> dict[str, list[str]]:
    rng = plan.rng
    wanted = {
        "security": ("Operations", "Secur"),
        "it-admins": ("Operations", "IT "),
        "finance-approvers": ("Finance", ""),
        "data-owners": ("Data", ""),
    }
    groups: dict[str, list[str]] = {}
    active = [i for i in range(len(plan.person_ids)) if plan.active[i]]
    for name, (dept, title_part) in wanted.items():
        pool = [i for i in active if plan.depts[i] == dept and title_part in plan.titles[i]]
        pool = pool or [i for i in active if plan.depts[i] == dept] or active
        chosen = sorted(rng.sample(pool, min(len(pool), rng.randint(2, 6))))
        groups[name] = [plan.person_ids[i] for i in chosen]
    for dept in DEPT_NAMES:
        pool = [i for i in active if plan.depts[i] == dept] or active
        chosen = sorted(rng.sample(pool, min(len(pool), rng.randint(2, 5))))
        groups[f"{dept.lower()}-leads"] = [plan.person_ids[i] for i in chosen]
    return groups


def _applications(
    plan: _Plan, count: int, entitlements: int, groups: dict[str, list[str]]
) -> list[Application]:
    rng = plan.rng
    sizes = [1] * count
    for index in rng.choices(range(count), k=entitlements - count):
        sizes[index] += 1
    active = [pid for pid, ok in zip(plan.person_ids, plan.active, strict=True) if ok]
    active = active or plan.person_ids
    group_names = sorted(groups)
    names = itertools.product(APP_KINDS, APP_WORDS)
    out: list[Application] = []
    for n in range(count):
        kind, word = next(names, (f"tool{n}", "app"))
        app_id = f"{word}-{kind}" if n < len(APP_KINDS) * len(APP_WORDS) else f"app-{n}"
        fulfillment = rng.choices(FULFILLMENTS, weights=FULFILLMENT_WEIGHTS)[0]
        owners = sorted(set(rng.sample(active, min(len(active), rng.randint(1, 2)))))
        approval = rng.choice(
            [["manager"], ["manager"], ["manager", "app_owner"], ["app_owner"],
             ["manager", "app_owner", "group:security"]]
        )  # fmt: skip
        out.append(
            Application(
                id=app_id,
                name=f"{word.title()} {kind.upper() if len(kind) <= 3 else kind.title()}",
                aliases=[f"{word} {kind}"] if rng.random() < 0.3 else [],
                owners=owners,
                fulfillment=fulfillment,
                creates_accounts=(rng.random() < 0.2)
                if fulfillment is Fulfillment.WEBHOOK
                else None,
                max_duration=rng.choice(CAPS) if rng.random() < 0.15 else None,
                requestable=n < GLOBAL_APPS or rng.random() >= 0.02,
                approval=approval,
                entitlements=[
                    _entitlement(rng, app_id, j, owners, group_names) for j in range(sizes[n])
                ],
            )
        )
    return out


def _entitlement(
    rng: random.Random, app_id: str, j: int, owners: list[str], group_names: list[str]
) -> Entitlement:
    slug, name, privileged = LEVELS[j % len(LEVELS)]
    if j >= len(LEVELS):
        slug, name = f"{slug}-{j // len(LEVELS) + 1}", f"{name} {j // len(LEVELS) + 1}"
    approval: list[str] | None = None
    if privileged:
        approval = ["manager", "app_owner", f"group:{rng.choice(group_names)}"]
    elif rng.random() < 0.05:
        approval = ["manager", f"person:{owners[0]}"]
    return Entitlement(
        id=f"{app_id}:{slug}",
        name=name,
        description=f"{name} access to {app_id}" if rng.random() < 0.5 else None,
        privileged=privileged,
        max_duration=rng.choice(CAPS) if privileged and rng.random() < 0.5 else None,
        approval=approval,
    )


def _department_pools(plan: _Plan, applications: list[Application]) -> dict[str, list[str]]:
    """Each department works mostly in its own slice of apps plus the company-wide ones."""
    company = [e.id for a in applications[:GLOBAL_APPS] for e in a.entitlements]
    rest = applications[GLOBAL_APPS:]
    pools: dict[str, list[str]] = {"Executive": company}
    for n, dept in enumerate(DEPT_NAMES):
        own = [e.id for a in rest[n :: len(DEPT_NAMES)] for e in a.entitlements]
        pools[dept] = own + company
    return pools


def _title_cores(
    plan: _Plan, pools: dict[str, list[str]], app_of: dict[str, str]
) -> dict[str, list[str]]:
    """The entitlements most holders of a title share (at most one per app)."""
    rng = plan.rng
    cores: dict[str, list[str]] = {}
    dept_of_title = dict(zip(plan.titles, plan.depts, strict=True))
    for title in sorted(dept_of_title):
        pool = pools[dept_of_title[title]]
        picked = rng.sample(pool, min(len(pool), rng.randint(4, 8)))
        seen_apps: set[str] = set()
        core = []
        for ent in picked:
            if app_of[ent] not in seen_apps:
                seen_apps.add(app_of[ent])
                core.append(ent)
        cores[title] = core
    return cores


def _roles(plan: _Plan, pools: dict[str, list[str]], count: int) -> list[Role]:
    rng = plan.rng
    roles = []
    for n in range(count):
        dept = DEPT_NAMES[n % len(DEPT_NAMES)]
        pool = pools[dept]
        ents = rng.sample(pool, min(len(pool), rng.randint(3, 8)))
        roles.append(
            Role(id=f"{dept.lower()}-role-{n}", name=f"{dept} role {n}", entitlements=ents)
        )
    return roles


def _identities(
    plan: _Plan,
    ent_ids: list[str],
    app_of: dict[str, str],
    cores: dict[str, list[str]],
    total: int,
) -> list[Identity]:
    rng = plan.rng
    count = len(plan.person_ids)
    # Service accounts take about 1% of the grants.
    service_budget = min(total, max(1, total // 100)) if total else 0
    person_budget = total - service_budget
    # A few people (new hires) hold nothing yet; everyone else gets a share.
    holders = [i for i in range(count) if i == 0 or rng.random() >= 0.03]
    quotas = Counter(rng.choices(holders, k=person_budget)) if holders else Counter()
    # Popular apps are used by many (a Zipf-like tail); within an app the first
    # entitlements (read, write...) are far more common than the later ones.
    ents_of: dict[str, list[str]] = {}
    for ent in ent_ids:
        ents_of.setdefault(app_of[ent], []).append(ent)
    app_order = sorted(ents_of)
    rng.shuffle(app_order)
    popularity: list[str] = []
    weights: list[float] = []
    for rank, app in enumerate(app_order):
        for j, ent in enumerate(ents_of[app]):
            popularity.append(ent)
            weights.append(0.5**j / (rank + 1))
    cum = list(itertools.accumulate(weights))
    limit = len(ent_ids)
    overflow = 0
    identities: list[Identity] = []
    for i in range(count):
        quota = quotas.get(i, 0) + overflow
        overflow = max(0, quota - limit)
        quota = min(quota, limit)
        if quota == 0:
            continue
        held: dict[str, None] = {}
        for ent in cores.get(plan.titles[i], []):
            if len(held) < quota and rng.random() < 0.85:
                held[ent] = None
        while len(held) < quota:
            for ent in rng.choices(popularity, cum_weights=cum, k=quota - len(held)):
                if len(held) >= quota:
                    break
                held[ent] = None
                if len(held) < quota and rng.random() < 0.4:  # more in the same app
                    held[rng.choice(ents_of[app_of[ent]])] = None
            if len(held) < quota:  # rare: fill from the tail without weights
                held[popularity[rng.randrange(limit)]] = None
        identities.extend(_accounts(plan, i, list(held), app_of))
    identities.extend(_service_accounts(rng, ent_ids, app_of, service_budget + overflow))
    return identities


def _accounts(plan: _Plan, i: int, held: list[str], app_of: dict[str, str]) -> list[Identity]:
    rng = plan.rng
    by_app: dict[str, list[str]] = {}
    for ent in held:
        by_app.setdefault(app_of[ent], []).append(ent)
    out = []
    for app, ents in by_app.items():
        grants = [_grant(rng, ent) for ent in ents]
        username, person = plan.locals_[i], plan.person_ids[i]
        if len(grants) >= 2 and rng.random() < 0.05:  # a separate admin account
            cut = len(grants) // 2
            out.append(
                Identity(app=app, username=f"{username}-admin", person=person, grants=grants[cut:])
            )
            grants = grants[:cut]
        out.append(Identity(app=app, username=username, person=person, grants=grants))
    return out


def _grant(rng: random.Random, ent: str) -> HeldGrant:
    if rng.random() < 0.03:
        expires = datetime(2027, rng.randint(1, 12), rng.randint(1, 28), 17, tzinfo=UTC)
        return HeldGrant(entitlement=ent, expires=expires)
    return HeldGrant(entitlement=ent)


def _service_accounts(
    rng: random.Random, ent_ids: list[str], app_of: dict[str, str], budget: int
) -> list[Identity]:
    out: list[Identity] = []
    per_app: dict[str, list[str]] = {}
    for ent in ent_ids:
        per_app.setdefault(app_of[ent], []).append(ent)
    n = 0
    while budget > 0:
        app = app_of[rng.choice(ent_ids)]  # apps with more entitlements have more bots
        ents = per_app[app]
        take = min(budget, len(ents), rng.randint(1, 3))
        grants = [HeldGrant(entitlement=e) for e in rng.sample(ents, take)]
        out.append(Identity(app=app, username=f"svc-{n}", kind=IdentityKind.SERVICE, grants=grants))
        budget -= take
        n += 1
    return out


def to_yaml(data: OrgData) -> str:
    """`dump_org`'s document, written with libyaml when available (much faster)."""
    document = json.loads(dump_org(data, as_json=True))
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(document, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a large generated org file.")
    parser.add_argument("output", help="path to write, or - for stdout")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--apps", type=int, default=1_000)
    parser.add_argument("--entitlements", type=int, default=5_000)
    parser.add_argument("--grants", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="write JSON instead of YAML")
    args = parser.parse_args(argv)
    data = generate(args.people, args.apps, args.entitlements, args.grants, args.seed)
    text = dump_org(data, as_json=True) if args.json else to_yaml(data)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
