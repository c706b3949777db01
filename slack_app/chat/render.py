"""Requests, inboxes and receipts as terminal text."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from domain.model.directory import Directory
from domain.model.requests import AccessRequest, ItemStatus, State


def name(directory: Directory, person_id: str) -> str:
    person = directory.person(person_id)
    return person.name if person else person_id


def until(directory: Directory, end: datetime) -> str:
    """ "end of Fri 27 Nov 2026" for an end at local midnight, else the time too."""
    local = end.astimezone(directory.timezone)
    if local.time() == time():
        return f"end of {local - timedelta(days=1):%a %d %b %Y}"
    return f"{local:%a %d %b %Y %H:%M}"


def progress(directory: Directory, r: AccessRequest) -> str:
    step = r.current_step
    if r.state is State.SUBMITTED and step is not None:
        who = " or ".join(name(directory, a) for a in step.approvers)
        return f"step {step.index + 1} of {len(r.steps)}, waiting for {who}"
    if r.state is State.FULFILLING:
        return "approved; waiting for the app owners to grant it"
    if r.state is State.FULFILLED and r.end is not None:
        return f"granted until {until(directory, r.end)}"
    return r.state.value


def items(directory: Directory, r: AccessRequest) -> str:
    out = []
    for item in r.items:
        ent = directory.entitlement(item.entitlement_id)
        app = directory.app(item.app_id)
        label = f"{app.name if app else item.app_id} · {ent.name if ent else item.entitlement_id}"
        account = "a new account" if item.new_account else item.identity_id.split(":", 1)[-1]
        dropped = " (dropped)" if item.status is ItemStatus.DROPPED else ""
        out.append(f"{label} on {account}{dropped}")
    return "; ".join(out)


def summary(directory: Directory, r: AccessRequest) -> str:
    verb = "remove" if r.kind.value == "revoke" else "grant"
    if r.end is not None:
        when = f" until {until(directory, r.end)}"
    else:
        when = " permanently" if verb == "grant" else ""
    who = name(directory, r.beneficiary)
    return (
        f"{r.id}: {verb} {items(directory, r)} for {who}{when} — reason: {r.reason}"
        f" — {progress(directory, r)}"
    )
