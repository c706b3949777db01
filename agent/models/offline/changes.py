"""Changes to an open card, read from words (docs/specs/conversation.md §2).

Each part of the message is read once, in this order, and taken out of what the next
step reads: the justification ("reason: incident 4411"), a new beneficiary ("for Wei
instead"), the account ("use the admin account", "on mokafor"), the end ("make it 3
days", "make it end on 20 December"), then the items with what the words do to them.
A field the message does not mention gets no change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.models.offline.items import items_with_ops
from agent.models.offline.justification import Justification
from agent.models.offline.spans import COMMON, read
from domain.model.directory import Directory
from tools.change_models import Change, ChangeOp
from tools.matching import name_index, normalize

_I = re.IGNORECASE
_NAME = (
    r"(<@[UW][A-Z0-9]+(?:\|[^<>]{0,80})?>|[\w.+-]{1,64}@[\w-]{1,64}(?:\.[\w-]{1,64}){1,4}|"
    r"[\w'.-]{1,64}(?:[^\S\n]+[\w'.-]{1,64})?)"
)
_FOR_INSTEAD = re.compile(
    rf"\bfor\s+{_NAME}[^\S\n]+instead\b|\binstead\s+(?:for|give\s+it\s+to)\s+{_NAME}|"
    rf"\b(?:it'?s|it\s+is|this\s+is|that'?s|make\s+it|actually|rather|no,?)\s+(?:actually\s+)?"
    rf"for\s+{_NAME}|\b(?:change|switch|set)\s+(?:the\s+)?(?:person|beneficiary|recipient|user|"
    rf"requestee|it)\s+to\s+{_NAME}|\bgive\s+(?:it|this|that|them|these)\s+to\s+{_NAME}",
    _I,
)
_NOT_A_NAME = frozenset(COMMON | {"him", "her", "them", "someone", "somebody", "everyone"})

_ACCOUNT_WORDS = r"(?:account|accounts|login|identity|user|username|one)"
_ACCOUNT = re.compile(
    r"\b(?:use|using|with|via|on|pick|choose|take|go\s+with|switch\s+to|change\s+(?:it\s+)?to)"
    r"[^\S\n]+(?:the[^\S\n]+|my[^\S\n]+|his[^\S\n]+|her[^\S\n]+|their[^\S\n]+|our[^\S\n]+)?"
    rf"([\w.@-]{{1,64}})(?:[^\S\n]+({_ACCOUNT_WORDS}))?\b"
    rf"|\b(?:the|my|his|her|their|our)[^\S\n]+([\w.@-]{{1,64}})[^\S\n]+({_ACCOUNT_WORDS})\b",
    _I,
)
_NEGATED = re.compile(r"(?:\bnot|n't|\binstead\s+of|\brather\s+than)[^\S\n]*$", _I)
_DESCRIBES = frozenset(
    "admin personal main primary secondary work other old new regular normal everyday "
    "service reporting usual default private own".split()
)
_FOR_APP = re.compile(r"[^\S\n]+(?:for|in|on|at|with)[^\S\n]+(?:the[^\S\n]+)?([\w.-]{1,64})", _I)
_NEVER_ACCOUNTS = frozenset("call behalf board top hold leave it that this them".split())
_LOOSE = re.compile(r"(?:on|use|using)\b", _I)
_DATE_WORD = re.compile(r"\d+(?:st|nd|rd|th)?", _I)


@dataclass(frozen=True)
class Found:
    changes: list[Change]
    rest: str  # the text the changes did not take


def read_changes(
    directory: Directory, text: str, justification: Justification | None, duration: str | None
) -> list[Change]:
    """The changes the message makes to the open card. `text` is the message without the
    justification's words; `duration` the end it says, if any."""
    changes: list[Change] = []
    if justification is not None:
        changes.append(Change(op=ChangeOp.SET_JUSTIFICATION, justification=justification.text))
    if duration and duration in text:
        text = text.replace(duration, "\n")  # "until the 20th" names no account or item
    beneficiary = new_beneficiary(directory, text)
    changes += beneficiary.changes
    account = read_account(directory, beneficiary.rest)
    changes += account.changes
    if duration:
        changes.append(Change(op=ChangeOp.SET_END, duration=duration))
    changes += item_changes(directory, account.rest) or level_swap(directory, account.rest)
    return changes


def new_beneficiary(directory: Directory, text: str) -> Found:
    """ "for Wei instead", "it's for Priya Shah", "change the person to Sam"."""
    for m in _FOR_INSTEAD.finditer(text):
        raw = next(g for g in m.groups() if g)
        name = _person_words(directory, raw)
        if name is not None:
            change = Change(op=ChangeOp.NEW_BENEFICIARY, beneficiary=name)
            return Found([change], text[: m.start()] + "\n" + text[m.end() :])
    return Found([], text)


def _person_words(directory: Directory, raw: str) -> str | None:
    if raw.startswith("<@") or "@" in raw:
        return raw
    words = raw.split()
    spans = [s for s in read(directory, raw).spans if s.kind == "person"]
    if spans and spans[0].start == 0:
        return " ".join(words[: spans[0].end - spans[0].start])
    first = words[0].strip("'.")
    if normalize(first) in {"me", "myself"}:
        return "me"
    if normalize(first) in _NOT_A_NAME or not first[:1].isupper() or _is_item(directory, first):
        return None
    second = words[1] if len(words) > 1 else ""
    keep_second = second[:1].isupper() and normalize(second) not in _NOT_A_NAME
    return f"{first} {second}" if keep_second else first


def read_account(directory: Directory, text: str) -> Found:
    """ "use the admin account", "the personal one", "on mokafor", "use mokafor, not the
    admin account": the account to use, and the app when the same clause names one."""
    for m in _ACCOUNT.finditer(text):
        word = m.group(1) or m.group(3)
        noun = (m.group(2) or m.group(4) or "").casefold()
        if _NEGATED.search(text[max(0, m.start() - 16) : m.start()]):
            continue
        if not _accepted(directory, word, noun, loose=_LOOSE.match(m.group(0)) is not None):
            continue
        end = m.end()
        after = _FOR_APP.match(text, end)
        if after and _is_item(directory, after.group(1)):
            end = after.end()  # "use my admin account for github": github is no new item
        clause = _clause_around(
            text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :], m.start(), end
        )
        apps = [s for s in read(directory, clause).spans if s.kind == "app"]
        app = apps[0].text if apps else None
        change = Change(op=ChangeOp.SET_ACCOUNT, account=word, app=app)
        return Found([change], text[: m.start()] + "\n" + text[end:])
    return Found([], text)


def _accepted(directory: Directory, word: str, noun: str, *, loose: bool) -> bool:
    """ "my admin account", "the admin one", "use omar-h", "on mokafor" name an account;
    "the purple one", "on monday", "use jira" do not."""
    if _is_username(directory, word):
        return True
    if noun == "one" or not noun:
        described = normalize(word) in _DESCRIBES
        return described or (loose and not noun and _is_account(directory, word, explicit=False))
    return _is_account(directory, word, explicit=True)


def _is_account(directory: Directory, word: str, *, explicit: bool) -> bool:
    lowered = normalize(word)
    if lowered in _NEVER_ACCOUNTS or not lowered or _DATE_WORD.fullmatch(lowered):
        return False
    if _is_username(directory, word) or lowered in _DESCRIBES:
        return True
    if _is_item(directory, word) or lowered in COMMON:
        return False
    reading = read(directory, word)
    exact_person = any(s.kind == "person" and not s.fuzzy for s in reading.spans)
    named = any(s.kind in {"role", "title"} for s in reading.spans)
    return explicit or not (exact_person or named)


def _is_username(directory: Directory, word: str) -> bool:
    return word.casefold() in name_index(directory).usernames


def _is_item(directory: Directory, word: str) -> bool:
    return any(s.kind in {"app", "entitlement"} for s in read(directory, word).spans)


def _clause_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in ",;.\n")
    rights = [i for c in ",;.\n" if (i := text.find(c, end)) != -1]
    return text[left + 1 : min(rights, default=len(text))]


def item_changes(directory: Directory, text: str) -> list[Change]:
    """add / remove / only, one change per run of items the same words govern."""
    changes: list[Change] = []
    for item in items_with_ops(directory, text):
        op = item.op or ChangeOp.ADD  # an item named on an open card, with no cue: add it
        if changes and changes[-1].op == op:
            changes[-1].items.append(item.text)
        else:
            changes.append(Change(op=op, items=[item.text]))
    return changes


_SWAP_CUE = re.compile(
    r"\b(?:meant|mean|actually|instead|rather|make\s+it|change\s+it\s+to|switch(?:\s+it)?\s+to|"
    r"should\s+be|ignore\s+that|scratch\s+that|not)\b",
    _I,
)
_TOKEN = re.compile(r"\w+(?:[-']\w+)*")
_ARTICLE = re.compile(r"\b(?:the|my|that|this)[^\S\n]*$", _I)


def level_swap(directory: Directory, text: str) -> list[Change]:
    """ "ignore that, I meant read-only", "actually make it read-only", "write, not
    read": one level named without its app, with words that say it replaces what is
    there. Added as it is typed; the tool puts it in place of the item of the one app
    on the card that has it (or says it can't)."""
    if not _SWAP_CUE.search(text):
        return []
    forms = {f for c in name_index(directory).levels.values() for f in c.exact}
    tokens = list(_TOKEN.finditer(text))
    found: list[str] = []
    i = 0
    while i < len(tokens):
        for n in (3, 2, 1):
            run = tokens[i : i + n]
            if len(run) < n or normalize(" ".join(t.group() for t in run)) not in forms:
                continue
            start, end = run[0].start(), run[-1].end()
            before = _ARTICLE.sub("", text[max(0, start - 24) : start])
            after = tokens[i + n].group().casefold() if i + n < len(tokens) else ""
            if not _NEGATED.search(before) and not re.fullmatch(_ACCOUNT_WORDS, after):
                found.append(text[start:end])
            i += n
            break
        else:
            i += 1
    return [Change(op=ChangeOp.ADD, items=found)] if len(found) == 1 else []
