"""The model names only what the user said or the bot offered (issue 12, item 4).

Between the model (either backend) and the graph, every app, entitlement, person and
account the model's `Ask` names is looked for in the user's own words of this
conversation (pasted parts left out) and in the choices the bot offered; the open
card's items count too for "remove" and "only". A name whose words were not said is
dropped, and the user is told; a name with a word too many ("github admin" when the
user said "github") is kept as the part that was said when that part still names the
same app or person, so the tools ask for the rest instead of the model guessing it.
Deterministic, and the same for both backends: a model that invents cannot put on the
card what nobody asked for.
"""

from __future__ import annotations

from typing import Literal

from agent.ask import Ask
from agent.models.offline.spans import read
from agent.sources import Sources, sources
from agent.state import Conversation
from domain.ids import key
from domain.model.directory import Directory
from tools.change_models import Change, ChangeOp
from tools.find import APP_FILLER, ENT_FILLER, MANAGER_WORDS, SELF_WORDS, match_app, match_person
from tools.matching import loose, normalize

Kind = Literal["item", "person", "other"]

FILLER = ENT_FILLER | APP_FILLER | frozenset({"and", "or", "a", "one", "ones", "level"})
_MANAGER = frozenset({"manager", "boss", "supervisor", "lead", "mgr"})


class Grounder:
    """Checks the names of one `Ask` against one conversation's sources."""

    def __init__(self, directory: Directory, said: Sources, on_card: Sources, size: int) -> None:
        self.directory = directory
        self.said = said
        self.on_card = on_card  # what "remove" and "only" may name: also the card's items
        self.size = size  # the open card's item count: "only 1 and 3"
        self.dropped: list[str] = []

    def name(self, name: str | None, kind: Kind, src: Sources | None = None) -> str | None:
        """`name` as kept: whole, narrowed to the words said, or None (dropped)."""
        if name is None:
            return None
        kept = self._kept(name, kind, src or self.said)
        if kept != name:
            self.dropped.append(f'"{name}"' + (f' (kept "{kept}")' if kept else ""))
        return kept

    def names(self, names: list[str], kind: Kind, src: Sources | None = None) -> list[str]:
        kept = [(n, k) for n in names if (k := self.name(n, kind, src))]
        if kind != "item":
            return [k for _, k in kept]
        named = set().union(*(self._apps(k) for n, k in kept if k == n))
        # "github admin" narrowed to "github" beside "github write": already asked for
        return [k for n, k in kept if k == n or not self._apps(k) <= named]

    def _kept(self, name: str, kind: Kind, src: Sources) -> str | None:
        form = normalize(name)
        if form in SELF_WORDS:
            return name  # the requester: who asks is never an invention
        if form in MANAGER_WORDS:
            return name if src.words & _MANAGER else None
        if form.isdigit() and src is self.on_card:
            return name if 1 <= int(form) <= self.size else None
        words = [w for w in loose(name).split() if w not in FILLER]
        said = [w for w in words if src.has(w)]
        if len(said) == len(words):
            return name
        narrower = " ".join(said)
        return narrower if said and kind != "other" and self._same(kind, name, narrower) else None

    def _same(self, kind: Kind, name: str, narrower: str) -> bool:
        """The words said still name what `name` named: the same app, or the same person."""
        if kind == "person":
            return bool(self._people(name) & self._people(narrower))
        app = match_app(self.directory, narrower).id
        return app is not None and key(app) in self._apps(name)

    def _people(self, name: str) -> set[str]:
        return {h.id for h in match_person(self.directory, name).hits}

    def _apps(self, name: str) -> set[str]:
        apps: set[str] = set()
        for span in read(self.directory, name).spans:
            if span.kind == "app":
                apps |= {key(i) for i in span.ids}
            elif span.kind == "entitlement":
                apps |= {key(a.id) for i in span.ids if (a := self.directory.app_of.get(key(i)))}
        return apps

    def change(self, change: Change) -> Change | None:
        """The change with its names grounded, or None when nothing it named was said."""
        op = change.op
        if op in (ChangeOp.ADD, ChangeOp.REMOVE, ChangeOp.ONLY):
            src = self.said if op is ChangeOp.ADD else self.on_card
            items = self.names(change.items, "item", src)
            return change.model_copy(update={"items": items}) if items else None
        if op is ChangeOp.NEW_BENEFICIARY:
            person = self.name(change.beneficiary, "person")
            return change.model_copy(update={"beneficiary": person}) if person else None
        if op is ChangeOp.SET_ACCOUNT:
            account = self.name(change.account, "other")
            app = self.name(change.app, "item")
            return change.model_copy(update={"account": account, "app": app}) if account else None
        return change

    def ask(self, ask: Ask) -> Ask:
        person_like = ask.access_like == "person"
        changes = [c for old in ask.changes if (c := self.change(old)) is not None]
        return ask.model_copy(
            update={
                "entitlements": self.names(ask.entitlements, "item"),
                "beneficiary": self.name(ask.beneficiary, "person"),
                "reference": self.name(ask.reference, "person" if person_like else "other"),
                "identity_hints": self.names(ask.identity_hints, "other"),
                "changes": changes,
            }
        )


def grounded(directory: Directory, conv: Conversation, ask: Ask) -> tuple[Ask, str | None]:
    """`ask` naming only what the conversation's user said or its bot offered, and the
    notice saying what was left out (None when nothing was)."""
    texts, offered = _user_texts(conv), _offered(directory, conv)
    card = conv.proposal.items if conv.proposal and conv.proposal.status == "ready" else []
    shown = [f"{i.label} {i.app_name} {i.entitlement_id}" for i in card]
    said = sources(directory, texts, offered=offered)
    on_card = sources(directory, texts, offered=[*offered, *shown])
    grounder = Grounder(directory, said, on_card, len(card))
    kept = grounder.ask(ask)
    if not grounder.dropped:
        return ask, None
    return kept, "I left out what you didn't ask for: " + ", ".join(grounder.dropped) + "."


def _user_texts(conv: Conversation) -> list[str]:
    return [t.text for t in conv.turns if t.role == "user"]


def _offered(directory: Directory, conv: Conversation) -> list[str]:
    """The open question's choices, and the requester's own names (the default
    beneficiary: the model may write them)."""
    problems = conv.question.problems if conv.question else []
    choices = [f"{c.label} {c.id}" for p in problems for c in p.choices]
    me = directory.person(conv.requester)
    return [*choices, *([me.name, me.id] if me else [])]
