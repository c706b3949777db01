"""The shapes of the Slack payloads the app handles, as strict pydantic models.

Only the fields Bolt or our listeners read are declared, each with the type Slack
sends (strict: a number is not a string); everything else is allowed and left alone.
Bolt reads more than our listeners do: who, where and which team from almost any
payload (`Located`), and a submitted view's type.
A payload that fits its model can be read the way the listeners read it without a
KeyError, an IndexError or a date that is not one. Checking is all they do: Bolt and
the inbox still get the payload as it came.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Day = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]


class Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class Ref(Shape):
    """A team, user, channel or enterprise given as an object."""

    id: str | None = None
    team_id: str | None = None
    enterprise_id: str | None = None


class Located(Shape):
    """What Bolt reads on every payload, on its event and on their authorizations and
    messages, to find the enterprise, team, user and channel (slack_bolt.request.
    internals): an id as a string or an object with a string id, never a number."""

    enterprise: str | Ref | None = None
    enterprise_id: str | None = None
    team: str | Ref | None = None
    team_id: str | None = None
    user: str | Ref | None = None
    user_id: str | None = None
    channel: str | Ref | None = None
    channel_id: str | None = None
    authorizations: list[Located] | None = None
    is_enterprise_install: bool | str | None = None
    is_ext_shared_channel: bool | None = None
    message: Located | None = None
    previous_message: Located | None = None
    item: Located | None = None
    assistant_thread: Located | None = None


class User(Ref):
    id: str


class Channel(Ref):
    id: str


class Container(Shape):
    type: str | None = None
    message_ts: str | None = None
    channel_id: str | None = None
    view_id: str | None = None


class Option(Shape):
    value: str
    text: dict[str, Any] | None = None


class Input(Shape):
    """An input's state in a view or message (`state.values[block][action]`)."""

    type: str | None = None
    value: str | None = None
    selected_option: Option | None = None
    selected_options: list[Option] | None = None
    selected_date: Day | None = None


class State(Shape):
    values: dict[str, dict[str, Input]] = Field(default_factory=dict)


class View(Shape):
    id: str | None = None
    type: str | None = None
    team_id: str | None = None
    app_installed_team_id: str | None = None
    callback_id: str | None = None
    private_metadata: str | None = None
    hash: str | None = None
    state: State | None = None


class SubmittedView(View):
    type: str  # Bolt reads it to tell a workflow step from a modal
    callback_id: str


class Acted(Input):
    """One element clicked or changed in a block_actions payload."""

    action_id: str
    block_id: str | None = None


class Interaction(Located):
    user: User
    trigger_id: str | None = None
    channel: Channel | None = None
    container: Container | None = None
    view: View | None = None  # absent, or an object: Bolt reads a view that is there

    @field_validator("view", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("a view that is there must be an object")
        return value


class BlockActions(Interaction):
    type: Literal["block_actions"]
    state: State | None = None
    actions: list[Acted] = Field(min_length=1)


class ViewSubmission(Interaction):
    type: Literal["view_submission", "view_closed"]
    view: SubmittedView


class BlockSuggestion(Interaction):
    type: Literal["block_suggestion"]
    action_id: str
    block_id: str | None = None
    value: str = ""


class SlashCommand(Located):
    command: str
    user_id: str
    team_id: str | None = None
    channel_id: str | None = None
    text: str = ""
    trigger_id: str | None = None


class Event(Located):
    type: str


class MessageEvent(Event):
    """A `message` (the app subscribes to `message.im`): always in a channel."""

    user: str | None = None
    channel: str
    channel_type: str | None = None
    text: str | None = None
    subtype: str | None = None
    bot_id: str | None = None
    ts: str | None = None


class HomeOpenedEvent(Event):
    user: str
    tab: str | None = None


class EventCallback(Located):
    type: Literal["event_callback"]
    event_id: str | None = None
    event: Event


class UrlVerification(Located):
    type: Literal["url_verification"]
    challenge: str


class SslCheck(Located):
    ssl_check: str


class RateLimited(Located):
    type: Literal["app_rate_limited"]


SUBSCRIBED_EVENTS: dict[str, type[Event]] = {
    "message": MessageEvent,
    "app_home_opened": HomeOpenedEvent,
}
KINDS: dict[str, type[Shape]] = {
    "event_callback": EventCallback,
    "url_verification": UrlVerification,
    "app_rate_limited": RateLimited,
    "block_actions": BlockActions,
    "view_submission": ViewSubmission,
    "view_closed": ViewSubmission,
    "block_suggestion": BlockSuggestion,
}
