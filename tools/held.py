"""What a person holds, and which of a set of entitlements a user's words name.

Shared by the read-only answers (`tools.queries`), withdrawing (`tools.withdrawal`) and
extending (`tools.extension`): each reads the same grants from the directory and
matches the same words, so "my GitHub access" means the same thing to all three.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.ids import key
from domain.model.directory import Directory
from tools.find import entitlement_label, match_app, match_entitlement


@dataclass(frozen=True)
class Held:
    """One grant the person holds now: an entitlement on one of their accounts."""

    entitlement_id: str
    app_id: str
    app_name: str
    label: str  # "GitHub · Write"
    identity_id: str  # "github:alex-m"
    username: str
    expires: datetime | None  # None = permanent


def held_grants(directory: Directory, person_id: str, now: datetime) -> list[Held]:
    """Unexpired grants, temporary ones first (soonest end first), then by app name."""
    out = []
    for ident in directory.identities_of.get(key(person_id), []):
        app = directory.app(ident.app)
        for grant in ident.grants:
            if grant.expires is not None and grant.expires <= now:
                continue
            out.append(
                Held(
                    entitlement_id=grant.entitlement,
                    app_id=ident.app,
                    app_name=app.name if app else ident.app,
                    label=entitlement_label(directory, grant.entitlement),
                    identity_id=ident.id,
                    username=ident.username,
                    expires=grant.expires,
                )
            )
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(out, key=lambda h: (h.expires is None, h.expires or far, h.label))


def named_within(directory: Directory, words: list[str], pool: list[str]) -> list[str]:
    """The entitlement ids in `pool` that any of `words` names ("github" names every
    GitHub level in the pool, "datadog standard" that level only), in pool order."""
    wanted: set[str] = set()
    for text in words:
        wanted |= _named(directory, text)
    return [e for e in pool if key(e) in wanted]


def _named(directory: Directory, text: str) -> set[str]:
    found = match_entitlement(directory, text, include_unrequestable=True)
    if found.match != "none":
        return {key(h.id) for h in found.hits}
    apps = match_app(directory, text)
    if apps.match == "none":
        return set()
    return {
        key(ent.id) for h in apps.hits if (app := directory.app(h.id)) for ent in app.entitlements
    }


def day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def until(end: datetime | None, tz: ZoneInfo) -> str:
    """ "until end of Fri 6 Mar 2026", "until Thu 5 Mar 2026 at 04:00", "permanent"
    (the same words the Slack notices use)."""
    if end is None:
        return "permanent"
    local = end.astimezone(tz)
    if local.time() == time():
        return f"until end of {day(local.date() - timedelta(days=1))}"
    return f"until {day(local.date())} at {local:%H:%M}"


def since(moment: datetime, tz: ZoneInfo) -> str:
    """ "Wed 4 Mar 2026 16:05" """
    local = moment.astimezone(tz)
    return f"{day(local.date())} {local:%H:%M}"
