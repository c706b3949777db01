"""Pasted and quoted text is data (docs/specs/conversation.md §5).

A message is split into the requester's own words and what they pasted or quoted:
``` code blocks, `>` block quotes, HTML comments, text in double quotes of four words or
more, and everything after "here's the ticket / doc / note:". Only the own words can
name items, a beneficiary, a duration, an account or approvers; pasted text may give a
justification, and instructions in it are noted (the card says they were ignored) and
never followed. Every scan here is linear in the text's length (rule 7).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

_FENCE = "```"
_COMMENT = ("<!--", "-->")
_QUOTES = {'"': '"', "\u201c": "\u201d", "\u00ab": "\u00bb"}
_MIN_QUOTED_WORDS = 4  # `use "alex-m"` names an account; a quoted sentence is pasted
# "here's the ticket:", "pasting the onboarding doc below:", "the note says:"
_INTRO = re.compile(
    r"(?:\b(?:here(?:'s|s|\s+is|\s+are)|below\s+is|pasting|pasted|quoting|forwarding|copied|"
    r"copying|from|per)\b[^:\n]{0,40}?|^[^\S\n]*(?:the\s+|my\s+|his\s+|her\s+)?)"
    r"\b(?P<noun>ticket|doc|docs|document|note|notes|email|e-mail|message|msg|description|"
    r"runbook|wiki|page|thread|comment|text|writeup|write-up|context|summary|jira|issue|slack|"
    r"checklist|list|steps|form|excerpt|snippet|memo|plan|spec|log|logs|output|template)s?\b"
    r"[^:\n]{0,20}?(?:\bsays?\b)?[^\S\n]*:",
    re.IGNORECASE | re.MULTILINE,
)
# After the noun of an intro, "for Sam" still says who the ask is for; "from Omar", "by
# the lead" only say where the pasted text came from.
_FOR_WHOM = re.compile(r"\b(?:for|to|on\s+behalf\s+of)\b", re.IGNORECASE)
# "the ticket says", "my lead wrote:" right before a pasted part: who said it, not the ask.
_DOCS = (
    r"ticket|doc|document|note|email|e-mail|message|msg|description|runbook|wiki|page|thread|"
    r"comment|text|writeup|write-up|summary|jira|issue|checklist|form|memo|spec|log|logs"
)
_NOUNS = rf"{_DOCS}|lead|manager|boss|colleague|teammate|mentor"
_SAYS = re.compile(
    rf"\b(?:the|this|that|my|his|her|their|our|a|an)[^\S\n]+(?:\w+[^\S\n]+)?(?:{_NOUNS})"
    r"[^\S\n]+(?:says?|said|reads?|wrote|writes|states?|stated|mentions?)[^\S\n]*[:,-]?[^\S\n]*$",
    re.IGNORECASE,
)
_POINTER = re.compile(
    rf"\b(?:this|that|the\s+(?:attached|below|following)|the\s+above)[^\S\n]+(?:{_DOCS})\b",
    re.IGNORECASE,
)
# `--reason "..."`, `reason: "..."`: the requester's own value, quoted
_FIELD_VALUE = re.compile(
    r"(?:\b(?:reason|justification|why|duration|account|username|user)\s*[:=]|--[\w-]{1,20}=?)\s*$",
    re.IGNORECASE,
)
_QUOTE_MARK = re.compile(r"^\s*(?:>|&gt;)[^\S\n]*")
_BLOCK_QUOTE = re.compile(r"^[^\S\n]*(?:>|&gt;)[^\n]*(?:\n|$)", re.MULTILINE)

# Instructions: asks to the reader to grant, change or approve something, or to a model.
_VERB = (
    r"(?:grant|give|add|provision|assign|set|make|enable|include|elevate|upgrade|remove|"
    r"revoke|approve|ignore|disregard|change|extend|bypass|skip|put|create|allow|route|send|"
    r"request|get)"
)
INSTRUCTION = re.compile(
    rf"(?:^|[.!?;:\n)*\u2022]|\s-|\b(?:please|pls|also|kindly|and|then|must|should|need\s+to|needs\s+to|"
    rf"make\s+sure\s+to|be\s+sure\s+to|remember\s+to|you\s+(?:will|shall|must|should)))"
    rf"[^\S\n]*(?:please[^\S\n]+|also[^\S\n]+)?{_VERB}\b"
    rf"|\b[a-z][a-z0-9]{{1,15}}-\d{{1,9}}\b:?[^\S\n]*{_VERB}\b"  # "OPS-1 add okta admin"
    r"|\b(?:system|admin|assistant|bot|ai)[^\S\n]+(?:note|notice|instruction|override|message)s?\b"
    r"|\bnote\s+to\s+(?:the\s+)?(?:bot|assistant|ai|model|agent)\b"
    r"|\b(?:important|attention|instructions?)\s*:"
    r"|\bno\s+approval\b|\bpre-?approved\b",
    re.IGNORECASE,
)


class Pasted(BaseModel):
    own: str = Field(description="The requester's own words, pasted parts blanked out.")
    pasted: list[str] = Field(default_factory=list, description="Each pasted or quoted part.")
    instructions: bool = Field(default=False, description="A pasted part held instructions.")


def split_pasted(text: str) -> Pasted:
    """The requester's own words and the parts they pasted or quoted."""
    parts: list[tuple[int, int]] = []
    parts += _delimited(text, _FENCE, _FENCE)
    parts += _delimited(text, *_COMMENT)
    parts += [(m.start(), m.end()) for m in _BLOCK_QUOTE.finditer(text)]
    intro = _INTRO.search(text)
    meta: list[tuple[int, int]] = []  # "here's the ticket" is no ask; "for Sam:" after it is
    if intro is not None and text[intro.end() :].strip():
        parts.append((intro.end(), len(text)))
        whom = _FOR_WHOM.search(text, intro.end("noun"), intro.end())
        meta.append((intro.start(), whom.start() if whom else intro.end()))
    parts += _quoted(text)
    kept = _merge(parts)
    meta += _sayers(text, kept)
    if kept:  # "action this ticket for me": the pasted ticket, not Jira
        meta += [(m.start(), m.end()) for m in _POINTER.finditer(text)]
    own = _blank(text, _merge(kept + meta))
    pasted = [p for s, e in kept if (p := _unwrap(text[s:e].strip()))]
    return Pasted(own=own, pasted=pasted, instructions=any(INSTRUCTION.search(p) for p in pasted))


def _sayers(text: str, parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ "the ticket says" just before a pasted part: it names no app ("tickets" is Jira's)."""
    found = []
    for start, _ in parts:
        said = _SAYS.search(text[max(0, start - 60) : start])
        if said is not None:
            found.append((max(0, start - 60) + said.start(), start))
    return found


def _delimited(text: str, opener: str, closer: str) -> list[tuple[int, int]]:
    """Spans from each opener to its closer (or the end of the text when unclosed)."""
    found: list[tuple[int, int]] = []
    start = text.find(opener)
    while start != -1:
        end = text.find(closer, start + len(opener))
        stop = len(text) if end == -1 else end + len(closer)
        found.append((start, stop))
        start = text.find(opener, stop)
    return found


def _quoted(text: str) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        closer = _QUOTES.get(text[i])
        end = text.find(closer, i + 1) if closer else -1
        if closer is None or end == -1:
            i += 1
            continue
        inner = text[i + 1 : end]
        if len(inner.split()) >= _MIN_QUOTED_WORDS and not _FIELD_VALUE.search(
            text[max(0, i - 24) : i]
        ):
            found.append((i, end + 1))
        i = end + 1
    return found


def _merge(parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(parts):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _blank(text: str, parts: list[tuple[int, int]]) -> str:
    """`text` with each part replaced by a line break, so clauses around it stay apart."""
    pieces, last = [], 0
    for start, end in parts:
        pieces += [text[last:start], "\n"]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _unwrap(part: str) -> str:
    for opener, closer in ((_FENCE, _FENCE), _COMMENT, *_QUOTES.items()):
        if part.startswith(opener):
            part = part[len(opener) :].removesuffix(closer)
            break
    lines = (_QUOTE_MARK.sub("", line) for line in part.splitlines())
    return "\n".join(lines).strip()
