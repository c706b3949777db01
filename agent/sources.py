"""Where a model's names may come from: what the user said and what the bot offered.

The user's own words (pasted parts left out, `agent.pasted`) are read with the same
name index the offline model uses (`agent.models.offline.spans.read`): a thing named
there without doubt ("gh", "gihtub", "priya@acme.com", a Slack mention) brings all its
names along, so the model may write "GitHub" or "github:write" for what the user called
"gh write". A name that fits several things ("Priya", "aws") brings only the words
typed: the model picking one of them is a guess, and the tools ask instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz.distance import OSA

from agent.models.offline.spans import read
from agent.pasted import split_pasted
from domain.ids import key
from domain.model.directory import Directory
from tools.find import match_person
from tools.matching import loose


class Sources:
    """Words (normalised, singular) a name may be grounded in: the words themselves, and
    only when one is not among them, the names of the things they name (a directory
    lookup per text, done once)."""

    def __init__(self, directory: Directory, texts: list[str]) -> None:
        self._directory = directory
        self._texts = list(dict.fromkeys(texts))
        self.words = frozenset(w for t in self._texts for w in _words(t))
        self._names: frozenset[str] | None = None

    def has(self, word: str) -> bool:
        """`word` was said, or a near spelling of it ("gihtub" for "github"), or it names
        what the user named another way ("github" for "gh")."""
        if _among(word, self.words):
            return True
        if self._names is None:
            self._names = frozenset(
                w for t in self._texts for w in _names_of_things(self._directory, t)
            )
        return _among(word, self._names)


def sources(directory: Directory, texts: Iterable[str], *, offered: Iterable[str] = ()) -> Sources:
    """The user's own `texts` (pasted parts dropped) and what the bot `offered` (its
    question's choices, the open card's items)."""
    return Sources(directory, [*(split_pasted(t).own for t in texts), *offered])


def _among(word: str, words: frozenset[str]) -> bool:
    if word in words:
        return True
    if len(word) < 4 or word.isdigit():
        return False
    most = 1 if len(word) < 8 else 2
    return any(
        abs(len(w) - len(word)) <= most and OSA.distance(word, w, score_cutoff=most) <= most
        for w in words
        if len(w) >= 4
    )


def _words(text: str) -> set[str]:
    return set(loose(text).split())


def _names_of_things(directory: Directory, text: str) -> set[str]:
    names: set[str] = set()
    for span in read(directory, text).spans:
        ids = span.ids
        if span.kind == "person" and not ids:  # a Slack mention or an email
            ids = tuple(h.id for h in match_person(directory, span.text).hits[:1])
        if len(ids) == 1:
            names |= _words(" ".join(names_of(directory, span.kind, ids[0])))
    return names


def names_of(directory: Directory, kind: str, thing: str) -> list[str]:
    """Every name a user or the model may use for one thing of the directory."""
    if kind == "person":
        person = directory.person(thing)
        if person is None:
            return []
        usernames = [i.username for i in directory.identities_of.get(key(thing), [])]
        return [person.name, person.id, *usernames]
    if kind == "app":
        app = directory.app(thing)
        return [app.name, app.id, *app.aliases] if app else []
    if kind == "entitlement":
        ent = directory.entitlement(thing)
        app = directory.app_of.get(key(thing))
        apps = names_of(directory, "app", app.id) if app else []
        return [ent.name, ent.id, *ent.aliases, *apps] if ent else []
    if kind == "role":
        role = directory.role(thing)
        return [role.name, role.id] if role else []
    return [thing]  # a job title: its words
