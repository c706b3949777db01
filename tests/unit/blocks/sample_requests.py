"""Sample access requests, one per stage a surface shows: submitted to failed."""

from __future__ import annotations

from typing import Any

from domain.model.requests import (
    AccessLikeKind,
    AccessRequest,
    ApprovalStep,
    ItemStatus,
    RequestItem,
    RequestKind,
    State,
    StepStatus,
)
from tests.orgs import NOW
from tests.unit.blocks.samples import END_6, END_18, LATER


def step(index: int, rule: str, approvers: list[str], **kw: Any) -> ApprovalStep:
    return ApprovalStep(index=index, rule=rule, approvers=approvers, **kw)


def request(
    rid: str, items: list[RequestItem], steps: list[ApprovalStep], **kw: Any
) -> AccessRequest:
    base: dict[str, Any] = {
        "kind": RequestKind.GRANT,
        "requester": "dana@t.test",
        "beneficiary": "alex@t.test",
        "end": END_18,
        "reason": "New project",
        "comment": "payments migration",
        "state": State.SUBMITTED,
        "created_at": NOW,
        "updated_at": NOW,
        "submitted_at": NOW,
    }
    base.update(kw)
    return AccessRequest(id=rid, items=items, steps=steps, **base)


def requests() -> dict[str, AccessRequest]:
    write = RequestItem(entitlement_id="github:write", app_id="github", identity_id="github:alex-m")
    aws = RequestItem(entitlement_id="aws-prod:read-only", app_id="aws-prod", identity_id="new")
    admin = RequestItem(entitlement_id="github:admin", app_id="github", identity_id="github:alex-m")
    approved = {"status": StepStatus.APPROVED, "decided_by": "dana@t.test", "decided_at": LATER}
    return {
        "submitted": request(
            "AR-1001",
            [write],
            [step(0, "manager", ["ceo@t.test"]), step(1, "app_owner", ["omar@t.test"])],
            access_like=AccessLikeKind.PERSON,
            access_like_ref="priya@t.test",
            capped=True,
        ),
        "new_account": request("AR-1002", [aws], [step(0, "manager", ["ceo@t.test"])]),
        "privileged": request(
            "AR-1003",
            [admin],
            [
                step(0, "manager", ["dana@t.test"], comment="ok for release week", **approved),
                step(1, "app_owner", ["omar@t.test"]),
                step(2, "group:security", ["sam@t.test", "omar@t.test"]),
            ],
            requester="alex@t.test",
            end=END_6,
            comment="",
        ),
        "rejected": request(
            "AR-1004",
            [admin],
            [
                step(
                    0,
                    "manager",
                    ["dana@t.test"],
                    status=StepStatus.REJECTED,
                    decided_by="dana@t.test",
                    decided_at=LATER,
                    comment="Use read-only for now",
                )
            ],
            requester="alex@t.test",
            state=State.REJECTED,
            decided_at=LATER,
        ),
        "changed": request(
            "AR-1005",
            [write, aws.model_copy(update={"status": ItemStatus.DROPPED})],
            [
                step(0, "manager", ["dana@t.test"], comment="AWS later", **approved),
                step(1, "app_owner", ["omar@t.test"]),
            ],
            requester="alex@t.test",
            end=END_6,
            requested_end=END_18,
        ),
        "granted": request(
            "AR-1006",
            [write.model_copy(update={"status": ItemStatus.DONE})],
            [
                step(
                    0,
                    "manager",
                    ["ceo@t.test"],
                    status=StepStatus.APPROVED,
                    decided_by="ceo@t.test",
                    decided_at=LATER,
                )
            ],
            state=State.FULFILLED,
            fulfilled_at=LATER,
        ),
        "failed": request(
            "AR-1007",
            [
                aws.model_copy(
                    update={"status": ItemStatus.FAILED, "note": "SCIM said 409: user exists"}
                )
            ],
            [
                step(
                    0,
                    "manager",
                    ["ceo@t.test"],
                    status=StepStatus.APPROVED,
                    decided_by="ceo@t.test",
                    decided_at=LATER,
                )
            ],
            state=State.FAILED,
        ),
        "permanent": request(
            "AR-1008",
            [write],
            [step(0, "manager", ["ceo@t.test"])],
            end=None,
            permanent_requested=True,
            state=State.CANCELLED,
        ),
        "two_items": request(
            "AR-1009", [write, aws], [step(0, "manager", ["ceo@t.test"])], requester="alex@t.test"
        ),
        "run": request(  # one approver for three steps, and four eyes adds her manager
            "AR-1010",
            [admin],
            [
                step(0, "manager", ["dana@t.test"]),
                step(1, "app_owner", ["dana@t.test"]),
                step(2, "group:security", ["dana@t.test"]),
                step(3, "four_eyes", ["ceo@t.test"]),
            ],
            requester="alex@t.test",
            end=END_6,
            four_eyes=True,
        ),
    }


def mine(r: AccessRequest) -> AccessRequest:
    """The same request, asked by Omar for himself (his App Home)."""
    return r.model_copy(update={"requester": "omar@t.test", "beneficiary": "omar@t.test"})
