"""The guided request modal, step by step, through the real app: access like → grants →
account per app → duration and reason → the same confirmation card in the DM → Submit.

Each step's view_submission is answered in the HTTP response (`response_action`
update with the next view, or errors next to the field), as Slack expects."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from domain.model.requests import State
from slack_app.blocks.ids import Action, pack
from slack_app.listeners import guided_form
from tests.scenario.flows import Message, requests_of, submit
from tests.scenario.harness import Answer, SlackHarness, has_action

ALEX, OMAR = "U01ALEX", "U01OMAR"


def _select(value: str, label: str = "") -> dict[str, Any]:
    option = {"value": value, "text": {"type": "plain_text", "text": label or value}}
    return {"type": "static_select", "selected_option": option}


def _many(*values: str) -> dict[str, Any]:
    return {"type": "checkboxes", "selected_options": [{"value": v} for v in values]}


def _value(block: str, element: dict[str, Any], action: str | None = None) -> dict[str, Any]:
    return {block: {action or block: element}}


def _next(response: Answer, callback: str) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["response_action"] == "update", answer
    view: dict[str, Any] = answer["view"]
    assert view["callback_id"] == callback
    return view


def _errors(response: Answer) -> dict[str, str]:
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["response_action"] == "errors", answer
    errors: dict[str, str] = answer["errors"]
    return errors


def _options(view: dict[str, Any], action: str) -> list[str]:
    for block in view["blocks"]:
        element = block.get("element") or {}
        if element.get("action_id") == action:
            return [o["value"] for o in element.get("options", [])]
    raise AssertionError(f"no {action} in the view")


def _block_ids(view: dict[str, Any]) -> list[str]:
    return [str(b.get("block_id")) for b in view["blocks"] if b.get("block_id")]


def like(h: SlackHarness, user: str, kind: str, ref: str = "", label: str = "") -> Answer:
    values = _value(Action.ACCESS_LIKE, {"type": "radio_buttons", **_select(kind)})
    if ref:
        values |= _value(Action.REFERENCE, _select(ref, label))
    return h.submit_view(user, Action.REQUEST_MODAL_LIKE, "", values)


def grants(h: SlackHarness, user: str, view: dict[str, Any], *ids: str) -> Answer:
    values = _value(Action.GRANTS, _many(*ids))
    if ids == ("all",):
        values = _value(Action.SELECT_ALL, _many("all"))
    return h.submit_view(user, Action.REQUEST_MODAL_GRANTS, view["private_metadata"], values)


def duration(
    h: SlackHarness,
    user: str,
    view: dict[str, Any],
    *,
    kind: str = "temporary",
    end: str | None = "2026-03-11",
    reason: str | None = "New project",
    comment: str = "",
) -> Answer:
    values = _value(Action.DURATION_KIND, {"type": "radio_buttons", **_select(kind)})
    if end:
        values |= _value(Action.END_DATE, {"type": "datepicker", "selected_date": end})
    if reason:
        values |= _value(Action.REASON_SELECT, _select(reason))
    values |= _value(Action.COMMENT, {"type": "plain_text_input", "value": comment})
    return h.submit_view(user, Action.REQUEST_MODAL_DURATION, view["private_metadata"], values)


def card_in_dm(h: SlackHarness) -> Message:
    card = h.slack.wait_for("chat.update", has_action(Action.SUBMIT))[-1]
    return Message(card["channel"], card["ts"], card)


def test_like_a_person_some_grants_temporary_to_a_submitted_request(slack: SlackHarness) -> None:
    h = slack
    h.command(ALEX, "")
    h.slack.wait_for("views.open")
    view = _next(
        like(h, ALEX, "person", "priya.raman@acme.test", "Priya Raman"), "request_modal_grants"
    )
    offered = _options(view, Action.GRANTS)
    assert "github:write" in offered and "github:read" not in offered  # Alex holds read
    view = _next(
        grants(h, ALEX, view, "github:write", "datadog:standard"), "request_modal_duration"
    )
    assert set(_options(view, Action.DURATION_KIND)) == {"permanent", "temporary"}

    done = duration(h, ALEX, view, comment="payments migration")
    assert done.status_code == 200 and done.text == ""  # the modal closes

    card = card_in_dm(h)
    assert card.channel == "D01ALEX"
    text = json.dumps(card.payload, ensure_ascii=False)
    assert "GitHub · Write" in text and "Datadog · Standard" in text
    assert "Priya Raman" in text and "Wed 11 Mar 2026" in text
    submit(h, ALEX, card)
    h.slack.wait_for("chat.update", lambda b: b.get("ts") == card.ts, count=2)
    made = requests_of(h, "alex.meyer@acme.test")
    assert made and all(r.state is State.SUBMITTED for r in made)
    items = {i.entitlement_id for r in made for i in r.items}
    assert items == {"github:write", "datadog:standard"}
    assert {r.end for r in made} == {datetime(2026, 3, 11, 23, 0, tzinfo=UTC)}  # end of day, Berlin
    assert all("payments migration" in r.comment for r in made)


def test_select_all_of_a_job_title(slack: SlackHarness) -> None:
    h = slack
    title = "Site Reliability Engineer"
    view = _next(like(h, ALEX, "job_title", title, title), "request_modal_grants")
    offered = set(_options(view, Action.GRANTS))
    view = _next(grants(h, ALEX, view, "all"), "request_modal_duration")
    hint = "AWS Production allows at most 2 weeks"  # the tightest cap, under the date
    assert hint in json.dumps(view, ensure_ascii=False)
    assert "permanent" not in _options(view, Action.DURATION_KIND)  # AWS Production is capped
    duration(h, ALEX, view, end="2026-03-06")
    card = card_in_dm(h)
    text = json.dumps(card.payload, ensure_ascii=False)
    assert all(h.runtime.directory().entitlement(e).name in text for e in offered)  # type: ignore[union-attr]


def test_an_account_is_picked_when_there_are_several(slack: SlackHarness) -> None:
    h = slack  # Omar has two GitHub accounts: omar-h and omar-h-admin
    view = _next(like(h, OMAR, "custom"), "request_modal_grants")
    view = _next(grants(h, OMAR, view, "github:write"), "request_modal_identities")
    block = pack(Action.IDENTITY, "github")
    assert block in _block_ids(view)
    assert set(_options(view, Action.IDENTITY)) == {"github:omar-h", "github:omar-h-admin"}

    meta = view["private_metadata"]
    missing = h.submit_view(OMAR, Action.REQUEST_MODAL_IDENTITIES, meta, {})
    assert _errors(missing) == {block: guided_form.PICK_ACCOUNT}

    values = _value(block, _select("github:omar-h-admin"), Action.IDENTITY)
    picked = h.submit_view(OMAR, Action.REQUEST_MODAL_IDENTITIES, meta, values)
    view = _next(picked, "request_modal_duration")
    duration(h, OMAR, view, kind="permanent", end=None, reason="Role change")
    text = json.dumps(card_in_dm(h).payload, ensure_ascii=False)
    assert "omar-h-admin" in text and "ermanent" in text


def test_each_step_says_what_is_wrong_next_to_the_field(slack: SlackHarness) -> None:
    h = slack
    view = _next(
        like(h, ALEX, "person", "priya.raman@acme.test", "Priya Raman"), "request_modal_grants"
    )
    assert _errors(grants(h, ALEX, view)) == {Action.GRANTS: guided_form.PICK_GRANTS}
    # a forged value that Priya does not offer counts as nothing picked
    assert _errors(grants(h, ALEX, view, "okta:super-admin")) == {
        Action.GRANTS: guided_form.PICK_GRANTS
    }
    view = _next(grants(h, ALEX, view, "github:write"), "request_modal_duration")
    assert _errors(duration(h, ALEX, view, end=None)) == {Action.END_DATE: guided_form.PICK_END}
    assert _errors(duration(h, ALEX, view, end="2026-03-01")) == {
        Action.END_DATE: guided_form.PAST_END
    }
    assert _errors(duration(h, ALEX, view, reason=None)) == {
        Action.REASON_SELECT: guided_form.PICK_REASON
    }
    assert _errors(duration(h, ALEX, view, reason="Because")) == {
        Action.REASON_SELECT: guided_form.PICK_REASON
    }
    # metadata that is not ours (an old form) is refused, not trusted
    forged = h.submit_view(ALEX, Action.REQUEST_MODAL_DURATION, "{not json", {})
    assert list(_errors(forged).values()) == [guided_form.EXPIRED_FORM]
    assert h.slack.calls("chat.update") == []  # nothing reached the conversation


def test_someone_with_nothing_new_is_told_on_the_first_step(slack: SlackHarness) -> None:
    h = slack  # Alex holds github:read and a Jira account; Kai holds the same
    errors = _errors(like(h, ALEX, "person", "kai.lund@acme.test", "Kai Lund"))
    assert errors == {Action.REFERENCE: guided_form.NOTHING_NEW.format("Kai Lund")}


def test_switching_to_permanent_hides_the_end_date(slack: SlackHarness) -> None:
    h = slack
    view = _next(like(h, ALEX, "custom"), "request_modal_grants")
    view = _next(grants(h, ALEX, view, "github:write"), "request_modal_duration")
    assert Action.END_DATE in _block_ids(view)
    h.interactive(
        {
            "type": "block_actions",
            "team": {"id": "T01ACME"},
            "user": {"id": ALEX, "team_id": "T01ACME"},
            "container": {"type": "view", "view_id": "V01MODAL"},
            "view": {
                **view,
                "id": "V01MODAL",
                "hash": "h2",
                "state": {
                    "values": _value(
                        Action.DURATION_KIND, {"type": "radio_buttons", **_select("permanent")}
                    )
                },
            },
            "actions": [
                {
                    "type": "radio_buttons",
                    "action_id": Action.DURATION_KIND,
                    "block_id": Action.DURATION_KIND,
                    "selected_option": {"value": "permanent"},
                }
            ],
        }
    )
    (redrawn,) = h.slack.wait_for("views.update")
    assert redrawn["view_id"] == "V01MODAL" and redrawn["hash"] == "h2"
    assert Action.END_DATE not in _block_ids(redrawn["view"])
    assert redrawn["view"]["private_metadata"] == view["private_metadata"]
