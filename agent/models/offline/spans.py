"""Find the people, titles, roles, apps and levels a message mentions.

Words are matched against the same name index the find tools use: longest exact
n-gram first (full names, emails, Slack mentions, app aliases, role and title names,
"SREs"), then single first/last names, then near spellings of words that are not
everyday English. Spans carry the words as typed; the tools resolve them later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process

from domain.model.directory import Directory
from tools.matching import Catalog, NameIndex, loose, name_index, normalize, one_typo, title_form

Kind = Literal["person", "title", "role", "app", "entitlement"]

# A mention's label stops at the next "<" and an e-mail starts where its run of word
# characters starts: from every other start the search would rescan the same run, which
# made a 40,000-character word take seconds (rule 7: linear in the text's length).
_MENTION = re.compile(
    r"<@[UW][A-Z0-9]+(?:\|[^<>]*)?>|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I
)

# Everyday words never read as a name, even when a person or app is called so.
COMMON = frozenset(
    """
    a about access account accounts actually add admin after all also am an and any app
    apps are as at back be because been being both but by can could day days do does done
    edit end eod every everything for friday from get gets give given go going grant grants
    has have he her him his hour hours how i i'm if in into is it its just last least like
    make me migration mine minutes monday month months more my need needs new next no not
    now of on one only or other our out over own permanent permanently please project read
    reason remove request revoke rights role same saturday she should so some staff
    standard sunday team temp temporary than thanks that the their them then there these
    they this through thursday till to today tomorrow too tuesday until up us use user want
    wants was we wednesday week weeks well what when which who why will with work would
    write year years yes you your
    look looking see check help fix debug review read reading need needed needs want show
    find open close start started starting begin join joining joined work working run running
    test testing deploy deploying build building ship release access please thanks thank
    quick quickly urgent asap soon later today tonight morning afternoon evening weekend
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat
    sun monday tuesday wednesday thursday friday saturday sunday end eom eow night hours
    password passwords licence license seat team prod production dev staging cluster
    days weeks months minute mins hrs hr wk wks couple few several rest next last this
    """.split()
)


@dataclass(frozen=True)
class Span:
    kind: Kind
    start: int
    end: int
    text: str
    ids: tuple[str, ...]
    fuzzy: bool = False


@dataclass
class Reading:
    words: list[str]
    spans: list[Span] = field(default_factory=list)

    def of(self, kind: Kind) -> list[Span]:
        return [s for s in self.spans if s.kind == kind]

    def before(self, span: Span, n: int = 4) -> list[str]:
        return self.words[max(0, span.start - n) : span.start]

    def after(self, span: Span, n: int = 3) -> list[str]:
        return self.words[span.end : span.end + n]


def tokenize(text: str) -> tuple[list[str], dict[str, str]]:
    """Normalised words; mentions and emails survive as single placeholder words."""
    kept: dict[str, str] = {}

    def hold(m: re.Match[str]) -> str:
        token = f"zzkept{len(kept)}"
        kept[token] = m.group()
        return f" {token} "

    return normalize(_MENTION.sub(hold, text)).split(), kept


def read(directory: Directory, text: str) -> Reading:
    idx = name_index(directory)
    words, kept = tokenize(text)
    reading = Reading(words)
    taken = [False] * len(words)
    longest = max(6, idx.app_words)
    for n in range(longest, 0, -1):
        for i in range(len(words) - n + 1):
            if any(taken[i : i + n]):
                continue
            span = _exact(idx, words, i, n, kept)
            if span is not None:
                reading.spans.append(span)
                taken[i : i + n] = [True] * n
    _fuzzy(idx, reading, taken)
    _widen_titles(idx, reading, taken)
    reading.spans.sort(key=lambda s: s.start)
    reading.spans = _join_names(reading.spans)
    return reading


def _join_names(spans: list[Span]) -> list[Span]:
    """ "Pryia" + "Raman" read as two name words are one name: "pryia raman"."""
    out: list[Span] = []
    for span in spans:
        last = out[-1] if out else None
        if (
            last is not None
            and last.kind == span.kind == "person"
            and last.end == span.start
            and " " not in last.text + span.text
            and "@" not in last.text + span.text
        ):
            ids = tuple(sorted(set(last.ids) | set(span.ids)))
            out[-1] = Span("person", last.start, span.end, f"{last.text} {span.text}", ids, True)
        else:
            out.append(span)
    return out


def _exact(idx: NameIndex, words: list[str], i: int, n: int, kept: dict[str, str]) -> Span | None:
    gram = " ".join(words[i : i + n])
    if n == 1 and gram in kept:
        raw = kept[gram]
        return Span("person", i, i + 1, raw, ())
    checks: list[tuple[Kind, dict[str, dict[str, float]], str]] = [
        ("person", idx.people.exact, gram),
        ("app", idx.apps.exact, gram),
        ("role", idx.roles.exact, loose(gram)),
        ("title", idx.titles.exact, title_form(gram)),
    ]
    for kind, table, form in checks:
        if n == 1 and gram in COMMON:
            break
        found = table.get(form)
        if found and (n > 1 or kind != "title" or len(gram) > 2):
            return Span(kind, i, i + n, gram, tuple(found))
    ents = idx.entitlements.exact.get(gram)
    if ents and len(ents) == 1 and gram not in COMMON:
        return Span("entitlement", i, i + n, gram, tuple(ents))
    if n == 1 and gram not in COMMON and len(gram) > 2 and gram in idx.people.words:
        return Span("person", i, i + 1, gram, tuple(sorted(idx.people.words[gram])))
    if n == 1 and gram not in COMMON and len(gram) > 1 and gram in idx.apps.words:
        family = [a for a in sorted(idx.apps.words[gram]) if _first_word(idx, a, gram)]
        if family:
            return Span("app", i, i + 1, gram, tuple(family))  # "aws": several apps
    return None


def _widen_titles(idx: NameIndex, reading: Reading, taken: list[bool]) -> None:
    """ "senoir backend engineer": a near-spelled word before a title may belong to it."""
    for n, span in enumerate(reading.spans):
        i = span.start - 1
        if span.kind != "title" or i < 0 or taken[i] or reading.words[i] in COMMON:
            continue
        wider = title_form(f"{reading.words[i]} {span.text}")
        best = process.extractOne(wider, idx.titles.choices, scorer=fuzz.ratio, score_cutoff=85)
        if best is not None and best[0] != title_form(span.text):
            ids = tuple(idx.titles.exact.get(best[0], {}))
            reading.spans[n] = Span("title", i, span.end, wider, ids, fuzzy=True)
            taken[i] = True


def _first_word(idx: NameIndex, app_id: str, word: str) -> bool:
    return any(form.split()[:1] == [word] for form, ids in idx.apps.exact.items() if app_id in ids)


def _fuzzy(idx: NameIndex, reading: Reading, taken: list[bool]) -> None:
    """Near spellings of leftover words that are not everyday English (typos in names)."""
    words = reading.words
    for i, word in enumerate(words):
        if taken[i] or len(word) < 4 or word in COMMON or word.isdigit():
            continue
        pair = _unknown_pair(idx, words, taken, i)
        if pair is not None:
            reading.spans.append(pair)
            taken[i] = taken[i + 1] = True
            continue
        for kind, choices in (("app", idx.apps.choices), ("person", idx.people.vocabulary)):
            best = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=80)
            if best is None or len(word) < 0.75 * len(best[0]):
                continue
            ids = _ids_for(idx, kind, best[0])
            reading.spans.append(Span(kind, i, i + 1, word, ids, fuzzy=True))  # type: ignore[arg-type]
            taken[i] = True
            break


def _unknown_pair(idx: NameIndex, words: list[str], taken: list[bool], i: int) -> Span | None:
    """Two unknown name-like words ("marie curie") that are nobody's name: one unknown person,
    so the tools can say they know no such person, rather than a near first name."""
    if i + 1 >= len(words) or taken[i + 1]:
        return None
    nxt = words[i + 1]
    if nxt in COMMON or not nxt.isalpha() or len(nxt) < 3:
        return None
    pair = f"{words[i]} {nxt}"
    best = process.extractOne(pair, idx.people.choices, scorer=fuzz.ratio, score_cutoff=75)
    if best is not None:
        ids = tuple(sorted(idx.people.exact.get(best[0], {})))
        return Span("person", i, i + 2, pair, ids, fuzzy=True)
    first = process.extractOne(words[i], idx.people.vocabulary, scorer=fuzz.ratio, score_cutoff=80)
    if first is None:
        return None
    return Span("person", i, i + 2, pair, (), fuzzy=True)


def _ids_for(idx: NameIndex, kind: str, form: str) -> tuple[str, ...]:
    if kind == "app":
        return tuple(idx.apps.exact.get(form, {}))
    return tuple(sorted(idx.people.words.get(form, set())))


def levels_near(directory: Directory, reading: Reading, app: Span) -> list[str]:
    """Level words (an entitlement name, slug or alias of that app) close to the app."""
    idx = name_index(directory)
    catalogs = [c for a in app.ids if (c := idx.levels.get(a.casefold())) is not None]
    if not catalogs:
        return []
    found: list[str] = []
    lo, hi = max(0, app.start - 4), min(len(reading.words), app.end + 4)
    occupied = {i for s in reading.spans if s is not app for i in range(s.start, s.end)}
    for n in (3, 2, 1):
        for i in range(lo, hi - n + 1):
            if any(j in occupied or app.start <= j < app.end for j in range(i, i + n)):
                continue
            gram = " ".join(reading.words[i : i + n])
            if n == 1 and not any(gram in c.exact for c in catalogs):
                gram = _level_typo(gram, catalogs) or gram  # "pagerduty responer"
            if any(gram in c.exact for c in catalogs) and not _nearer_app(reading, i, app):
                found.append(gram)
                occupied.update(range(i, i + n))
    return found


def _level_typo(word: str, catalogs: list[Catalog]) -> str | None:
    """The one level word of the app that `word` is a typo of (one typo, five letters or
    more), or None when none or several are."""
    if len(word) < 5 or normalize(word) in COMMON:
        return None
    near = {k for c in catalogs for k in c.exact if " " not in k and one_typo(word, k)}
    return near.pop() if len(near) == 1 else None


def _nearer_app(reading: Reading, i: int, app: Span) -> bool:
    mine = min(abs(i - app.start), abs(i - (app.end - 1)))
    for other in reading.of("app"):
        if other is app:
            continue
        theirs = min(abs(i - other.start), abs(i - (other.end - 1)))
        if theirs < mine or (theirs == mine and other.start < app.start):
            return True
    return False
