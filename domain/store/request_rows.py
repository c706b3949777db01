"""An `AccessRequest` as rows of `requests`, `request_items`, `approval_steps` and
`request_approvers`, and back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from domain.ids import key
from domain.model.requests import AccessRequest, ApprovalStep, RequestItem
from domain.store.snapshot import Row

_CHILDREN = {"items", "steps"}


def request_row(request: AccessRequest) -> Row:
    row = request.model_dump(mode="python", exclude=_CHILDREN)
    current = request.current_step
    row.update(
        requester_key=key(request.requester),
        beneficiary_key=key(request.beneficiary),
        current_step=request.steps.index(current) if current is not None else None,
    )
    return row


def item_rows(request: AccessRequest) -> list[Row]:
    return [
        {"request_id": request.id, "position": n, **item.model_dump(mode="python")}
        for n, item in enumerate(request.items)
    ]


def step_rows(request: AccessRequest) -> list[Row]:
    rows = []
    for n, step in enumerate(request.steps):
        row = step.model_dump(mode="python", exclude={"approvers", "index"})
        rows.append({"request_id": request.id, "position": n, "step_index": step.index, **row})
    return rows


def approver_rows(request: AccessRequest) -> list[Row]:
    return [
        {
            "request_id": request.id,
            "step": n,
            "position": m,
            "person": person,
            "person_key": key(person),
        }
        for n, step in enumerate(request.steps)
        for m, person in enumerate(step.approvers)
    ]


def request_from_rows(
    row: Row, items: Iterable[Row], steps: Iterable[Row], approvers: Iterable[Row]
) -> AccessRequest:
    by_step: dict[int, list[str]] = {}
    for a in approvers:
        by_step.setdefault(a["step"], []).append(a["person"])
    fields: dict[str, Any] = {
        c: v
        for c, v in row.items()
        if c not in {"requester_key", "beneficiary_key", "current_step"}
    }
    return AccessRequest(
        **fields,
        items=[RequestItem(**_strip(i, "request_id", "position")) for i in items],
        steps=[
            ApprovalStep(
                index=s["step_index"],
                approvers=by_step.get(s["position"], []),
                **_strip(s, "request_id", "position", "step_index"),
            )
            for s in steps
        ],
    )


def _strip(row: Row, *columns: str) -> Row:
    return {c: v for c, v in row.items() if c not in columns}
