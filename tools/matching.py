"""Turning typed names into ids without guessing: normalised keys first, fuzzy last.

Every lookup ranks hits in three tiers: EXACT (an id, a whole name or an alias), WORDS
(every word typed is a word of the name: "Priya" for Priya Raman) and FUZZY (typos).
A result is "exact" only when the best tier is EXACT or WORDS and holds one item;
anything else is "ambiguous" (ask) or "none". Fuzzy hits are never exact: a typo is
a question for the user, not a decision for the tool.

A `NameIndex` is built once per `Directory` and cached weakly beside it, so a lookup
costs dictionary reads and, only when nothing matches exactly, one rapidfuzz pass over
a choice list computed at build time.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from domain.ids import key
from domain.model.directory import Directory
from domain.model.org import Entitlement

MatchKind = Literal["exact", "ambiguous", "none"]
Scorer = Callable[..., float]

_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe"})
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
_NON_WORD = re.compile(r"[\W_]+")
FUZZY_WEIGHT = 0.89  # keeps every fuzzy score below the WORDS tier's 90


def normalize(text: str) -> str:
    """Casefold, strip accents, and turn punctuation runs into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", plain).strip()


def spellings(text: str) -> set[str]:
    """A name's normalised forms: "Müller" is also typed "Muller" and "Mueller"."""
    return {normalize(text), normalize(text.casefold().translate(_GERMAN))}


def singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) >= 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def loose(text: str) -> str:
    """Normalised, each word singular: "on-call roles" and "On call role" compare equal."""
    return " ".join(singular(w) for w in normalize(text).split())


class Tier(IntEnum):
    FUZZY = 0
    WORDS = 1
    EXACT = 2


@dataclass(frozen=True)
class Hit:
    id: str
    score: float
    tier: Tier

    def capped(self, tier: Tier, score: float) -> Hit:
        return Hit(self.id, min(self.score, score), min(self.tier, tier))


def merge(into: dict[str, Hit], hits: Iterable[Hit]) -> dict[str, Hit]:
    """Keep each id's best hit (higher tier, then higher score)."""
    for hit in hits:
        old = into.get(hit.id)
        if old is None or (hit.tier, hit.score) > (old.tier, old.score):
            into[hit.id] = hit
    return into


def best_tier(hits: Iterable[Hit]) -> Tier | None:
    return max((h.tier for h in hits), default=None)


def decide(hits: Iterable[Hit]) -> MatchKind:
    """One item alone in the best tier, when that tier is EXACT or WORDS, is a match; so is
    a near spelling that clearly beats every other ("Pryia Raman"): the confirmation
    card shows the resolved name before anything is submitted."""
    hits = list(hits)
    tier = best_tier(hits)
    if tier is None:
        return "none"
    alone = sum(h.tier == tier for h in hits) == 1
    if tier >= Tier.WORDS:
        return "exact" if alone else "ambiguous"
    scores = sorted((h.score for h in hits), reverse=True)
    clear = scores[0] >= TYPO_ACCEPT and (len(scores) == 1 or scores[0] - scores[1] >= 10)
    return "exact" if clear else "ambiguous"


TYPO_ACCEPT = 78.0


@dataclass
class Catalog:
    """One kind of named thing, indexed by exact keys, by word, and as fuzzy choices."""

    canon: Callable[[str], str] = normalize
    scorer: Scorer = fuzz.WRatio
    cutoff: float = 75.0
    word_fuzzy: bool = False  # a one-word query is also compared with single name words
    word_cutoff: float = 75.0  # one swap in a four-letter word ("Jhon") scores 75
    word_typos: bool = False  # a name whose every word is typed with at most one typo
    ids: list[str] = field(default_factory=list)
    exact: dict[str, dict[str, float]] = field(default_factory=dict)
    words: dict[str, set[str]] = field(default_factory=dict)
    item_words: dict[str, set[str]] = field(default_factory=dict)
    choices: list[str] = field(default_factory=list)
    choice_ids: list[str] = field(default_factory=list)
    vocabulary: list[str] = field(default_factory=list)

    def add(self, item_id: str, name: str, *, score: float = 100.0) -> None:
        """Index one name of an item; a `score` below 100 marks a derived, exact-only key."""
        form = self.canon(name)
        if not form:
            return
        if item_id not in self.item_words:
            self.ids.append(item_id)
            self.item_words[item_id] = set()
        for k, s in ((form, score), (form.replace(" ", ""), min(score, 95.0))):
            slot = self.exact.setdefault(k, {})
            slot[item_id] = max(s, slot.get(item_id, 0.0))
        if score < 100:
            return
        for word in form.split():
            self.words.setdefault(word, set()).add(item_id)
            self.item_words[item_id].add(word)
        self.choices.append(form)
        self.choice_ids.append(item_id)

    def freeze(self) -> Catalog:
        self.vocabulary = sorted(self.words) if self.word_fuzzy else []
        return self

    def search(
        self,
        text: str,
        *,
        filler: frozenset[str] = frozenset(),
        fuzzy: bool = True,
        both: bool = False,
        limit: int = 10,
    ) -> list[Hit]:
        """Exact keys, then all-words, then (if `fuzzy`) typos; the first tier with hits wins
        (with `both`, exact and all-words hits come together).

        Words in `filler` ("the", "role", "new") are dropped in a second try, so a name
        that happens to contain one still matches exactly.
        """
        form = self.canon(text)
        forms = [form, " ".join(w for w in form.split() if w not in filler)]
        for f in dict.fromkeys(forms):
            exact = self._exact(f)
            hits = exact + self._words(f.split()) if both or not exact else exact
            if hits:
                return list(merge({}, hits).values())
        return self._fuzzy(forms[-1], limit) if fuzzy and forms[-1] else []

    def suggest(self, text: str, *, limit: int = 3, cutoff: float = 60.0) -> list[str]:
        """Ids of the closest names, however weak: material for "did you mean"."""
        found = process.extract(
            self.canon(text), self.choices, scorer=self.scorer, score_cutoff=cutoff, limit=limit * 3
        )
        return list(dict.fromkeys(self.choice_ids[i] for _, _, i in found))[:limit]

    def _exact(self, form: str) -> list[Hit]:
        found = self.exact.get(form) or self.exact.get(form.replace(" ", ""), {})
        return [Hit(i, s, Tier.EXACT) for i, s in found.items()]

    def _words(self, words: list[str]) -> list[Hit]:
        full = [w for w in words if len(w) > 1]
        initials = [w for w in words if len(w) == 1]
        sets = [self.words.get(w) for w in full]
        if not full or any(s is None for s in sets):
            return []
        ids = set.intersection(*(s for s in sets if s is not None))
        if initials:
            ids = {i for i in ids if self._has_initials(i, full, initials)}
        return [Hit(i, 90.0, Tier.WORDS) for i in ids]

    def _has_initials(self, item_id: str, full: list[str], initials: list[str]) -> bool:
        rest = self.item_words[item_id] - set(full)
        return all(any(w.startswith(c) for w in rest) for c in initials)

    def _fuzzy(self, form: str, limit: int) -> list[Hit]:
        found: dict[str, Hit] = {}
        if self.word_typos:
            merge(found, self._word_typos(form.split()))
        pairs = _extract(form, self.choices, self.scorer, self.cutoff, limit)
        merge(found, (Hit(self.choice_ids[i], s, Tier.FUZZY) for i, s in pairs))
        if self.vocabulary and " " not in form:
            for i, s in _extract(form, self.vocabulary, fuzz.ratio, self.word_cutoff, limit):
                merge(found, (Hit(x, s, Tier.FUZZY) for x in self.words[self.vocabulary[i]]))
        return list(found.values())

    def _word_typos(self, words: list[str]) -> list[Hit]:
        """ "senoir backend engineer": each word the name's own, or one typo away from it
        where both have five letters or more; such a name beats one that only shares
        some of the words ("Backend Engineer")."""
        return [
            Hit(self.choice_ids[n], 90.0, Tier.WORDS)
            for n, choice in enumerate(self.choices)
            if len(names := choice.split()) == len(words)
            and all(one_typo(w, c) for w, c in zip(words, names, strict=True))
        ]


def one_typo(typed: str, word: str) -> bool:
    if typed == word:
        return True
    return min(len(typed), len(word)) >= 5 and OSA.distance(typed, word) <= 1


def _extract(
    query: str, choices: list[str], scorer: Scorer, cutoff: float, limit: int
) -> list[tuple[int, float]]:
    found: list[tuple[Any, float, int]] = process.extract(
        query, choices, scorer=scorer, score_cutoff=cutoff, limit=limit
    )
    return [(i, round(s * FUZZY_WEIGHT, 1)) for _, s, i in found]


# --- job titles ------------------------------------------------------------------------
_ABBREVIATIONS = {
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "eng": "engineer",
    "engr": "engineer",
    "mgr": "manager",
    "dev": "developer",
    "admin": "administrator",
    "mgmt": "management",
    "exec": "executive",
    "assoc": "associate",
    "dir": "director",
    "sec": "security",
}


def title_form(text: str) -> str:
    """Singular words with common abbreviations spelled out: "Sr backend engs"."""
    return " ".join(_ABBREVIATIONS.get(w, w) for w in loose(text).split())


def initialisms(form: str) -> list[str]:
    """ "site reliability engineer" → "sre"; "senior site reliability engineer" → "ssre",
    "senior sre", "senior site re": a title's tail of two or more words, shortened."""
    words = form.split()
    return [" ".join([*words[:k], "".join(w[0] for w in words[k:])]) for k in range(len(words) - 1)]


# --- the index -------------------------------------------------------------------------
@dataclass
class NameIndex:
    """Every name a user may type, per kind, for one Directory. Holds ids, never objects."""

    people: Catalog
    emails: Catalog
    titles: Catalog
    roles: Catalog
    apps: Catalog
    levels: dict[str, Catalog]  # per app (lookup key): its entitlements by name and alias
    entitlements: Catalog  # every entitlement, by name, alias and "app level"
    app_words: int  # the most words in any app name or alias
    usernames: frozenset[str] = frozenset()  # every identity's username, casefolded


_CACHE: weakref.WeakKeyDictionary[Directory, NameIndex] = weakref.WeakKeyDictionary()


def name_index(directory: Directory) -> NameIndex:
    """The directory's index, built on first use and dropped with the directory."""
    index = _CACHE.get(directory)
    if index is None:
        index = _CACHE[directory] = build_index(directory)
    return index


def build_index(d: Directory) -> NameIndex:
    apps = _apps(d)
    return NameIndex(
        people=_people(d),
        emails=_emails(d),
        titles=_titles(d),
        roles=_roles(d),
        apps=apps,
        levels={key(a.id): _levels(a.entitlements) for a in d.data.applications},
        entitlements=_entitlements(d),
        app_words=max((len(k.split()) for k in apps.exact), default=1),
        usernames=frozenset(i.username.casefold() for i in d.identities.values()),
    )


def _people(d: Directory) -> Catalog:
    people = Catalog(scorer=fuzz.ratio, cutoff=80.0, word_fuzzy=True)
    for person in d.data.people:
        for form in sorted(spellings(person.name)):
            people.add(person.id, form)
    return people.freeze()


def _emails(d: Directory) -> Catalog:
    emails = Catalog(canon=key, scorer=fuzz.ratio, cutoff=85.0)
    for person in d.data.people:
        emails.add(person.id, person.id)
    return emails.freeze()


def _titles(d: Directory) -> Catalog:
    titles = Catalog(canon=title_form, cutoff=70.0, word_typos=True)
    for title in d.titles():
        titles.add(title, title)
        for short in initialisms(title_form(title)):
            titles.add(title, short, score=95.0)
    return titles.freeze()


def _roles(d: Directory) -> Catalog:
    roles = Catalog(canon=loose, cutoff=70.0)
    for role in d.data.roles:
        roles.add(role.id, role.id)
        roles.add(role.id, role.name)
    return roles.freeze()


def _apps(d: Directory) -> Catalog:
    apps = Catalog(cutoff=75.0)
    for app in d.data.applications:
        for name in (app.name, app.id, *app.aliases):
            apps.add(app.id, name)
    return apps.freeze()


def _levels(entitlements: Iterable[Entitlement]) -> Catalog:
    levels = Catalog(cutoff=75.0)
    for ent in entitlements:
        slug = ent.id.partition(":")[2] or ent.id
        for name in (ent.name, slug, *ent.aliases):
            levels.add(ent.id, name)
    return levels.freeze()


def _entitlements(d: Directory) -> Catalog:
    ents = Catalog(cutoff=75.0)
    for app in d.data.applications:
        for ent in app.entitlements:
            for name in (ent.name, *ent.aliases, f"{app.name} {ent.name}", ent.id):
                ents.add(ent.id, name)
    return ents.freeze()
