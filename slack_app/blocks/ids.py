"""Every action_id, callback_id and block_id the bot's Slack surfaces use.

Listeners match on these values (an indexed id such as `choose_candidate|0|2` is
matched with `pattern(Action.CHOOSE_CANDIDATE)`). Input blocks in modals use the same
value as block_id and action_id, so a handler reads `values[X][X]`.

Button and option values carry a request id, a conversation thread id or (on a
channel alert) a person id, never a permission: every handler re-checks who clicked
against the domain.
"""

from __future__ import annotations

import re
from enum import StrEnum

SEP = "|"


class Action(StrEnum):
    # confirmation card (message in the requester's conversation)
    SUBMIT = "submit"
    EDIT = "edit"
    CANCEL = "cancel"
    REASON_SELECT = "reason_select"  # block_id and action_id; the submit handler checks it
    CONFIRM_ACTIONS = "confirm_actions"  # block_id of Submit / Edit / Cancel
    CARD_ITEMS = "card_items"  # the items' tick boxes: action_id, block_id card_items|<n>
    # clarification (message)
    CHOOSE_CANDIDATE = "choose_candidate"  # a button per choice, or one select per problem
    CHOOSE_SELECTED = "choose_selected"  # "Use selected" for a multi-choice problem
    CHOOSE_ALL = "choose_all"  # "All of them" for a multi-choice problem
    CHOICES = "choices"  # block_id prefix: choices|<problem>|<thread>|<slot>
    # approvals (approver DM, App Home)
    APPROVE = "approve"
    APPROVE_WITH_CHANGES = "approve_with_changes"
    REJECT = "reject"
    DECISION = "decision"  # block_id prefix: decision|<request id>
    REMIND = "remind"
    # manual fulfillment task (DM to the app's owners)
    TASK_DONE = "task_done"
    TASK_FAILED = "task_failed"
    TASK = "task"  # block_id prefix: task|<request id>
    RETRY_DELIVERY = "retry_delivery"  # value: outbox row id; an owner retries a connector
    DELIVERY = "delivery"  # block_id prefix: delivery|<row id>
    PICK_APPROVER = "pick_approver"  # reserved: whom to notify first in a multi-approver step
    # after submitting (receipt, App Home, the "ends soon" notice)
    WITHDRAW = "withdraw"  # value: request id; the requester takes back an open request
    RECEIPT = "receipt"  # block_id prefix: receipt|<request id>|... (the receipt's requests)
    EXTEND = "extend"  # value: request id; starts a conversation asking until when
    # channel alerts
    REVOKE_LEFTOVERS = "revoke_leftovers"  # value: a terminated person's id
    ALERT = "alert"  # block_id of an alert's buttons
    # App Home
    HOME_REQUEST_ACCESS = "home_request_access"
    OPEN_REQUEST = "open_request"
    # modal callback ids
    APPROVE_CHANGES_MODAL = "approve_changes_modal"
    REJECT_MODAL = "reject_modal"
    REQUEST_DETAILS_MODAL = "request_details_modal"
    REQUEST_MODAL_LIKE = "request_modal_like"
    REQUEST_MODAL_GRANTS = "request_modal_grants"
    REQUEST_MODAL_IDENTITIES = "request_modal_identities"
    REQUEST_MODAL_DURATION = "request_modal_duration"
    # modal inputs (block_id == action_id)
    COMMENT = "comment"
    NEW_END = "new_end"
    DROP_ITEMS = "drop_items"
    ACCESS_LIKE = "access_like"
    REFERENCE = "reference"
    GRANTS = "grants"
    SELECT_ALL = "select_all"
    IDENTITY = "identity"  # block_id prefix: identity|<app id>
    DURATION_KIND = "duration_kind"
    END_DATE = "end_date"


def pack(*parts: str) -> str:
    """Join an id's parts: `pack(Action.DECISION, "AR-1")` -> "decision|AR-1"."""
    return SEP.join(parts)


def unpack(value: str) -> list[str]:
    return value.split(SEP)


def index(part: str) -> int | None:
    """A small index packed in an id (`pick_approver|1|2` -> 1, 2); None for anything
    else, such as "²" or a thousand digits, which `str.isdigit` lets through to int()."""
    return int(part) if part.isascii() and part.isdigit() and len(part) <= 6 else None


def pattern(action: Action) -> re.Pattern[str]:
    """Matches `action` alone or with parts (`choose_candidate|0|2`)."""
    return re.compile(rf"^{re.escape(action.value)}(\{SEP}.*)?$")


def action_of(identifier: str) -> Action:
    """The Action an (indexed) id belongs to; ValueError when it is none of ours."""
    return Action(unpack(identifier)[0])
