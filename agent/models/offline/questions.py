"""Read-only questions, and what people say about requests already made
(docs/specs/conversation.md §3, §4): "what access do I have?", "what's pending?", "what
does Priya have?", "who approves GitHub admin?"; "cancel my GitHub request" (withdraw);
"extend my datadog access by a week", "keep my AWS access until the 20th" (extend).

Only the kind of question and the names in it are read here; the answers come from
tools, never from the model.
"""

from __future__ import annotations

import re

from agent.models.offline.spans import Reading
from tools.matching import normalize
from tools.query_models import Query

_I = re.IGNORECASE
_W = r"[^\S\n]+"  # spaces within a line
_WORDS = rf"(?:[\w'-]{{1,40}}{_W}){{0,3}}?"  # up to three words, each bounded (rule 7)
_STUFF = (
    r"(?:access|apps|applications|permissions|perms|entitlements|grants|rights|tools|systems|roles)"
)

WHO_APPROVES = re.compile(
    rf"\bwho{_W}{_WORDS}(?:approves?|approving|signs?{_W}off|okays?|decides?)\b|"
    rf"\bwho(?:'s|{_W}is|{_W}are|{_W}will{_W}be){_W}(?:the{_W})?approvers?\b|"
    rf"\b(?:which|what){_W}approvers?\b|"
    rf"\bwhat(?:'s|{_W}is|{_W}are){_W}the{_W}approv(?:al|er){_W}(?:route|chain|path|flow|steps?)\b",
    _I,
)
_MY_ACCESS = re.compile(
    rf"\b(?:what|which){_W}(?:{_STUFF}{_W})?(?:do|can|have|did){_W}i{_W}(?:have|got|hold|own|"
    rf"access|use|currently{_W}have)\b|"
    rf"\b(?:show|list|view|see|check|display|tell{_W}me){_W}(?:me{_W})?(?:all{_W})?(?:of{_W})?"
    rf"my{_W}(?:current{_W}|existing{_W}|active{_W})?{_STUFF}\b|"
    rf"\bwhat(?:'s|{_W}is|{_W}are){_W}my{_W}(?:current{_W}|existing{_W})?{_STUFF}\b|"
    rf"^[^\S\n]*my{_W}(?:current{_W})?{_STUFF}[^\S\n]*\?|\bwhat{_W}(?:{_STUFF}{_W})?i{_W}(?:have|hold)\b",
    _I,
)
_PENDING = re.compile(
    rf"\bwhat(?:'s|s|{_W}is|{_W}are){_W}(?:still{_W})?(?:pending|open|waiting|outstanding|"
    rf"in{_W}flight|in{_W}progress)\b|"
    rf"\b(?:status|progress|state|update|updates){_W}(?:of|on|for){_W}(?:all{_W})?my{_W}{_WORDS}"
    rf"requests?\b|\bmy{_W}(?:pending|open|outstanding|submitted|waiting){_W}{_WORDS}requests?\b|"
    rf"\b(?:show|list|check|see|view){_W}(?:me{_W})?(?:all{_W})?my{_W}requests\b|"
    rf"\b(?:where|how)(?:{_W}is|{_W}are|'s){_W}my{_W}{_WORDS}requests?\b|"
    rf"\b(?:has|have|was|were|is){_W}my{_W}{_WORDS}requests?{_W}(?:been{_W})?(?:approved|done|"
    rf"processed|granted|handled|looked)\b|\banything{_W}pending\b|\bpending{_W}requests?[^\S\n]*\?",
    _I,
)
_PERSON_ACCESS = re.compile(
    rf"\bwhat{_W}(?:{_STUFF}{_W})?(?:does|did|has){_W}(.{{1,60}}?){_W}(?:have|got|hold|own|"
    rf"currently{_W}have)\b|"
    rf"\b(?:show|list|view|see|check|display|tell{_W}me|what(?:'s|{_W}is|{_W}are)){_W}(?:me{_W})?"
    rf"(.{{1,60}}?)'s{_W}(?:current{_W}|existing{_W})?{_STUFF}\b",
    _I,
)
# A question asks; a request wants (these words make "what Priya has" part of an ask).
_WANTS = re.compile(
    r"\b(?:i\s+need|i\s+want|i'?d\s+like|give|grant|get\s+me|can\s+i\s+(?:get|have)|"
    r"could\s+i\s+(?:get|have)|i\s+(?:would\s+like\s+to\s+|want\s+to\s+)?request|requesting|"
    r"same|like|mirror|copy|set\s+(?:me|him|her|them)\s+up)\b",
    _I,
)

WITHDRAW = re.compile(
    rf"\b(?:withdraw|retract|rescind)\w*\b|"
    rf"\b(?:cancel|drop|pull|kill|scrap|delete)\w*{_W}(?:my|the|that|this|our|his|her){_W}"
    rf"{_WORDS}(?:request|ask|application)s?\b|"
    rf"\b(?:don'?t|no{_W}longer){_W}need{_W}(?:my|the|that){_W}{_WORDS}requests?\b",
    _I,
)
# With a card open, "cancel the request" is that card: only a request named otherwise is
# one already submitted.
_SUBMITTED = re.compile(
    r"\b(?:pending|submitted|earlier|previous|other|old|open|last|withdraw\w*|retract\w*)\b", _I
)
EXTEND = re.compile(
    rf"\b(?:extend|prolong|renew|lengthen)\w*{_W}(?!it\b|this\b|that\b|the{_W}(?:end|duration|"
    rf"card|request)\b)|\bkeep{_W}(?:my|his|her|their|the|our){_W}{_WORDS}(?:access|grants?|"
    rf"permissions?|role|account)\b|\bmore{_W}time{_W}(?:on|with|for|in)\b|"
    rf"\b(?:another|more|extra|additional){_W}(?:days?|weeks?|months?|hours?){_W}"
    rf"(?:on|of|for|with|to){_W}(?:my|his|her|their|our)\b",
    _I,
)


def query_of(text: str, reading: Reading) -> Query | None:
    """The read-only question the message asks, if it is one and asks for nothing."""
    if WHO_APPROVES.search(text):
        return None if _WANTS.search(WHO_APPROVES.sub(" ", text)) else "who_approves"
    if _WANTS.search(text):
        return None
    if _PENDING.search(text):
        return "pending"
    if _MY_ACCESS.search(text):
        return "my_access"
    if _PERSON_ACCESS.search(text) and person_asked(text, reading) is not None:
        return "person_access"
    return None


def person_asked(text: str, reading: Reading) -> str | None:
    """Whose access "what does Priya have?" asks about, as written."""
    m = _PERSON_ACCESS.search(text)
    words = next((g for g in m.groups() if g), "") if m else ""
    words = words.strip()
    people = reading.of("person")
    if people and normalize(words) != people[0].text:
        return people[0].text  # the words around the name were more than the name
    return None if normalize(words) in {"", "i", "me", "my"} else words


def withdraws(text: str, stage: str, names_items: bool) -> bool:
    """ "cancel my GitHub request": a request already submitted, not the open card."""
    if WITHDRAW.search(text) is None:
        return False
    return stage != "proposal" or names_items or _SUBMITTED.search(text) is not None


def extends(text: str) -> bool:
    return EXTEND.search(text) is not None
