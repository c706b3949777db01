"""Read-only answers (docs/specs/conversation.md §3): from the directory and the store."""

from __future__ import annotations

from datetime import timedelta

from domain.model.requests import AccessRequest, ApprovalStep, RequestItem, RequestKind, State
from tests.after_submit_org import directory
from tests.orgs import NOW
from tools.base import RequestLookup, ToolContext
from tools.queries import answer_query

D = directory()
ALEX, DANA, PRIYA, SAM, INES, KAI, OMAR, CEO = (
    "alex@t.test",
    "dana@t.test",
    "priya@t.test",
    "sam@t.test",
    "ines@t.test",
    "kai@t.test",
    "omar@t.test",
    "ceo@t.test",
)


class Requests(RequestLookup):
    def __init__(self, *requests: AccessRequest) -> None:
        self.requests = list(requests)

    def open_involving(self, person_id: str) -> list[AccessRequest]:
        return [r for r in self.requests if person_id in (r.requester, r.beneficiary)]

    def get(self, request_id: str) -> AccessRequest | None:
        return next((r for r in self.requests if r.id == request_id), None)


def ctx(requester: str = ALEX, requests: RequestLookup | None = None) -> ToolContext:
    return ToolContext(
        directory=D, requester_id=requester, now=NOW, requests=requests or RequestLookup()
    )


def open_request(state: State = State.SUBMITTED) -> AccessRequest:
    return AccessRequest(
        id="AR-7",
        kind=RequestKind.GRANT,
        requester=ALEX,
        beneficiary=ALEX,
        items=[
            RequestItem(entitlement_id="github:write", app_id="github", identity_id="github:alex-m")
        ],
        reason="New project",
        state=state,
        steps=[
            ApprovalStep(index=0, rule="manager", approvers=[DANA]),
            ApprovalStep(index=1, rule="app_owner", approvers=[OMAR]),
        ],
        created_at=NOW - timedelta(hours=3),
        updated_at=NOW - timedelta(hours=3),
        submitted_at=NOW - timedelta(hours=3),
    )


def test_my_access_lists_temporary_first_with_account_and_end() -> None:
    text = answer_query(ctx(), "my_access", None, []).text
    lines = text.splitlines()
    aws = next(n for n, line in enumerate(lines) if "AWS Production · Read-only" in line)
    github = next(n for n, line in enumerate(lines) if "GitHub · Read" in line)
    assert aws < github
    assert "alex" in lines[aws] and "until end of Tue 10 Mar 2026" in lines[aws]
    assert "alex-m" in lines[github] and "permanent" in lines[github]


def test_my_access_when_nothing_is_held() -> None:
    answer = answer_query(ctx(KAI), "my_access", None, [])
    assert answer.allowed and "no access" in answer.text


def test_pending_names_items_step_approvers_and_since() -> None:
    answer = answer_query(ctx(requests=Requests(open_request())), "pending", None, [])
    assert "AR-7" in answer.text and "GitHub · Write" in answer.text
    assert "step 1 of 2" in answer.text and "Dana Kim" in answer.text
    assert "Wed 4 Mar 2026 13:00" in answer.text  # since it was submitted (Berlin time)


def test_pending_says_when_nothing_is_open() -> None:
    assert "no open requests" in answer_query(ctx(), "pending", None, []).text


def test_pending_approved_request_is_being_set_up() -> None:
    answer = answer_query(
        ctx(requests=Requests(open_request(State.FULFILLING))), "pending", None, []
    )
    assert "being set up" in answer.text


def test_person_access_for_themself_managers_and_admins() -> None:
    for asker in (PRIYA, DANA, CEO, INES):
        answer = answer_query(ctx(asker), "person_access", "Priya Raman", [])
        assert answer.allowed, asker
        assert "GitHub · Write" in answer.text and "Hooks · User" in answer.text


def test_app_owner_sees_only_their_apps() -> None:
    answer = answer_query(ctx(SAM), "person_access", "priya", [])
    assert answer.allowed
    assert "AWS Production · Read-only" in answer.text
    assert "GitHub" not in answer.text


def test_anyone_else_is_told_they_cant_see_it() -> None:
    answer = answer_query(ctx(KAI), "person_access", "Priya Raman", [])
    assert not answer.allowed
    assert "can't see" in answer.text and "GitHub" not in answer.text


def test_person_access_unknown_person() -> None:
    answer = answer_query(ctx(INES), "person_access", "Zed Nobody", [])
    assert "couldn't find" in answer.text


def test_who_approves_gives_the_route_the_requester_would_get() -> None:
    answer = answer_query(ctx(), "who_approves", None, ["github admin"])
    assert "GitHub · Admin" in answer.text
    text = answer.text
    assert text.index("Dana Kim") < text.index("Omar Haddad") < text.index("Sam Ortiz")


def test_who_approves_without_a_name_asks_which() -> None:
    assert "Which access" in answer_query(ctx(), "who_approves", None, []).text


def test_person_access_about_me_is_my_access() -> None:
    answer = answer_query(ctx(), "person_access", "me", [])
    assert answer.allowed and answer.text.startswith("You have 2 grants")
