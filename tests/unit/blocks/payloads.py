"""Every builder rendered once on the sample data: what the snapshot and limit tests check."""

from __future__ import annotations

from typing import Any

from domain.model.directory import Directory
from domain.model.leftovers import Leftover
from domain.model.requests import AccessRequest, ItemStatus, State, StepStatus
from domain.usecases.failed_imports import FailedImport
from slack_app.blocks import (
    alerts,
    approvals,
    clarify,
    confirmation,
    details,
    followups,
    home,
    notices,
    tasks,
)
from slack_app.blocks.request_form import STEPS, AccountChoice, Choice, RequestForm
from slack_app.blocks.request_modal import request_modal
from tests.orgs import NOW
from tests.unit.blocks.sample_requests import mine, requests
from tests.unit.blocks.samples import (
    REASONS,
    THREAD,
    extension_proposal,
    pick_proposal,
    privileged_proposal,
    proposal,
)
from tools.base import Candidate

OWNER = "omar@t.test"  # owns GitHub in tests/orgs.py
FAILED_IMPORT = FailedImport(
    cause="c0ffee",
    source="/etc/access-agent/org.yaml",
    error="org data rejected, 2 problems:",
    problems=(
        'people[2].manager: unknown person "nobody@t.test"',
        "applications[0].owners[0]: unknown person <script>",
    ),
    at=NOW,
    actor="cli",
)
TOM_LEFTOVER = Leftover(  # Tom is terminated in tests/orgs.py
    person="tom@t.test",
    held=(("github:tom-b", "github", "github:admin"), ("github:tom-b", "github", "github:write")),
)


def fulfilling(r: AccessRequest) -> AccessRequest:
    """The request once approved: every item waits for its app's owners."""
    items = [i.model_copy(update={"status": ItemStatus.FULFILLING, "note": ""}) for i in r.items]
    return r.model_copy(update={"state": State.FULFILLING, "items": items})


def run_decided(r: AccessRequest) -> AccessRequest:
    """Dana's one click decided her three steps; her manager's step is left."""
    steps = [
        s.model_copy(update={"status": StepStatus.APPROVED, "decided_by": "dana@t.test"})
        if s.index < 3
        else s
        for s in r.steps
    ]
    return r.model_copy(update={"steps": steps})


def problems() -> list[dict[str, Any]]:
    people = [
        Candidate(id=f"alex{n}@t.test", label=f"Alex {n}", score=90, detail="Backend Engineer")
        for n in range(3)
    ]
    grants = [
        Candidate(id="github:write", label="GitHub · Write", score=100),
        Candidate(id="aws-prod:read-only", label="AWS Production · Read-only", score=100),
    ]
    titles = [Candidate(id=f"Title {n}", label=f"Title {n}", score=50) for n in range(12)]
    roles = [Candidate(id=f"role-{n}", label=f"Role {n}", score=50) for n in range(150)]
    return [
        {
            "slot": "beneficiary",
            "code": "ambiguous_person",
            "message": 'Who do you mean by "Alex"?',
            "choices": [c.model_dump() for c in people],
            "multiple": False,
        },
        {
            "slot": "entitlements",
            "code": "choose_grants",
            "message": "Priya Raman has 2 grants you don't. Which do you need?",
            "choices": [c.model_dump() for c in grants],
            "multiple": True,
        },
        {
            "slot": "reference",
            "code": "ambiguous_job_title",
            "message": 'Which job title do you mean by "eng"?',
            "choices": [c.model_dump() for c in titles],
            "multiple": False,
        },
        {
            "slot": "reference",
            "code": "ambiguous_role",
            "message": 'Which role do you mean by "r"?',
            "choices": [c.model_dump() for c in roles],
            "multiple": False,
        },
        {
            "slot": "duration",
            "code": "no_duration",
            "message": "For how long do you need it?",
            "choices": [],
            "multiple": False,
        },
    ]


def form() -> RequestForm:
    return RequestForm(
        metadata=THREAD,
        access_like="person",
        reference=Choice("priya@t.test", "Priya Raman", "Backend Engineer"),
        grants=[
            Choice("github:write", "GitHub · Write"),
            Choice("aws-prod:read-only", "AWS Production · Read-only"),
        ],
        chosen_grants=["github:write"],
        accounts=[
            AccountChoice("github", "GitHub", [Choice("github:alex-m", "alex-m")]),
            AccountChoice(
                "aws-prod", "AWS Production", [Choice("new", "Create a new account")], "new"
            ),
        ],
        notes=["Hooks: you have no account and it can't create one; ask an admin."],
        permanent_allowed=False,
        end_date="2026-03-18",
        cap_note="AWS Production allows at most 14 days.",
        reasons=REASONS,
        reason="New project",
    )


def build_all(d: Directory) -> dict[str, dict[str, Any]]:
    """Every builder's output on the sample data, by snapshot name."""
    r = requests()
    out: dict[str, dict[str, Any]] = {
        "confirmation_card": confirmation.confirmation_card(
            proposal(d), reasons=REASONS, thread=THREAD
        ),
        "confirmation_card_privileged": confirmation.confirmation_card(
            privileged_proposal(d), reasons=REASONS, thread=THREAD
        ),
        "confirmation_card_pick_approver": confirmation.confirmation_card(
            pick_proposal(d), reasons=REASONS, thread=THREAD, directory=d
        ),
        "confirmation_card_extend": confirmation.confirmation_card(
            extension_proposal(d), reasons=REASONS, thread=THREAD, directory=d
        ),
        "receipt": confirmation.receipt([r["submitted"], r["new_account"]], d),
        "receipt_asked": confirmation.receipt(
            [r["privileged"], r["submitted"]], d, {"AR-1003": {2: "sam@t.test", 1: "omar@t.test"}}
        ),
        "cancelled_card": confirmation.cancelled_card(),
        "clarification": clarify.clarification(problems(), thread=THREAD),
        "approver_dm": approvals.approver_dm(r["submitted"], d, step_index=0),
        "approver_dm_privileged": approvals.approver_dm(r["privileged"], d, step_index=1),
        "approver_dm_run": approvals.approver_dm(r["run"], d, step_index=0),
        "decided_dm_run": approvals.decided_dm(run_decided(r["run"]), d),
        "receipt_run": confirmation.receipt([r["run"]], d),
        "alert_leftover": alerts.leftover_alert(TOM_LEFTOVER, d),
        "alert_import_failed": alerts.import_failed_alert(FAILED_IMPORT, d.timezone),
        "alert_answered": alerts.alert_answered(
            alerts.leftover_alert(TOM_LEFTOVER, d)["blocks"], [r["submitted"]], d, by=OWNER
        ),
        "followup_reminder_dm": followups.reminder_dm(r["submitted"], d, step_index=0, since=NOW),
        "followup_escalation_dm": followups.escalation_dm(
            r["submitted"], d, step_index=0, since=NOW
        ),
        "followup_reminded": followups.requester_line(
            r["submitted"], d, step_index=0, escalated=False, to=["ceo@t.test"]
        ),
        "followup_escalated": followups.requester_line(
            r["submitted"], d, step_index=0, escalated=True, to=["omar@t.test"]
        ),
        "followup_escalated_to_nobody": followups.requester_line(
            r["submitted"], d, step_index=0, escalated=True, to=[]
        ),
        "decided_dm_approved": approvals.decided_dm(r["privileged"], d),
        "decided_dm_rejected": approvals.decided_dm(r["rejected"], d),
        "approve_changes_modal": approvals.approve_changes_modal(r["two_items"], d),
        "approve_changes_modal_permanent": approvals.approve_changes_modal(r["permanent"], d),
        "reject_modal": approvals.reject_modal(r["submitted"]),
        "task_dm": tasks.task_dm(fulfilling(r["two_items"]), d, owner=OWNER),
        "task_closed": tasks.task_closed(r["granted"], d, by=OWNER),
        "request_details": details.request_details(r["changed"], d),
        "notice_submitted": notices.submitted(r["submitted"], d),
        "notice_step_approved": notices.step_approved(r["privileged"], d, step_index=0),
        "notice_step_approved_asked": notices.step_approved(
            r["privileged"], d, step_index=0, asked="omar@t.test"
        ),
        "notice_approved_with_changes": notices.approved_with_changes(
            r["changed"], d, step_index=0
        ),
        "notice_rejected": notices.rejected(r["rejected"], d),
        "notice_granted": notices.granted(r["granted"], d),
        "notice_failed": notices.failed(r["failed"], d),
        "notice_expiring_soon": notices.expiring_soon(r["granted"], d),
        "notice_expired": notices.expired(r["granted"], d),
        "notice_revoked": notices.revoked(r["granted"], d, by="omar@t.test"),
        "home_view": home.home_view(
            d.people["omar@t.test"],
            d,
            awaiting=[r["privileged"]],
            mine=[mine(r["new_account"]), mine(r["changed"])],
            temporary=[mine(r["granted"])],
        ),
        "home_view_empty": home.home_view(
            d.people["kai@t.test"], d, awaiting=[], mine=[], temporary=[]
        ),
    }
    for name in STEPS:
        out[f"request_modal_{name}"] = request_modal(name, form())
    return out
