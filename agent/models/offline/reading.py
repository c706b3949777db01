"""From one message (and where the conversation stands) to an `Ask`, with rules only."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from agent.ask import Ask
from agent.models.offline import patterns as P
from agent.models.offline.spans import Reading, Span, levels_near, read
from agent.models.port import ModelContext
from domain.directory import Directory
from domain.durations import DurationError, parse_duration
from tools.matching import normalize
from tools.reasons import match_reason

_REF_CUES = {
    "like",
    "as",
    "same",
    "mirror",
    "mirroring",
    "copy",
    "copying",
    "match",
    "matching",
    "what",
    "clone",
    "similar",
    "whatever",
}
_FOR_CUES = {
    "for",
    "give",
    "grant",
    "get",
    "add",
    "onboard",
    "provision",
    "behalf",
    "set",
    "revoke",
    "remove",
    "from",
}
_AFTER_FOR = {
    "needs",
    "need",
    "wants",
    "requires",
    "should",
    "will",
    "is",
    "has",
    "starts",
    "joined",
    "joins",
}
_MY_MANAGER = re.compile(r"\bmy\s+(?:line\s+)?(?:manager|boss|supervisor|lead|mgr)\b", re.I)


def refusal_of(text: str, reading: Reading) -> str | None:
    if P.INJECTION.search(text):
        return "prompt_injection"
    if P.SELF_APPROVAL.search(text):
        return "self_approval"
    if P.CHANGE_APPROVER.search(text):
        return "change_approver"
    if P.SKIP_APPROVAL.search(text):
        return "skip_approval"
    if P.OUT_OF_SCOPE.search(text) and not reading.spans:
        return "out_of_scope"
    return None


def understand(directory: Directory, text: str, ctx: ModelContext) -> Ask:
    reading = read(directory, P.FLAG_REASON.sub(" ", P.FLAG_DURATION.sub(" ", text)))
    refusal = refusal_of(text, reading)
    if refusal is not None:
        return Ask(action="request", refusal=refusal)
    if P.CANCEL.search(text):
        return Ask(action="cancel")
    if ctx.stage == "proposal" and P.CONFIRM.search(text):
        return Ask(action="confirm")
    fields = _fields(directory, text, reading, ctx)
    action = _action(text, fields, ctx)
    if ctx.stage == "clarify":
        fields.update(_answer(text, reading, ctx, fields))
    return Ask(action=action, **fields)


def _fields(directory: Directory, text: str, reading: Reading, ctx: ModelContext) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if P.REVOKE.search(text):
        out["kind"] = "revoke"
    default = "beneficiary" if _asks_beneficiary(ctx) else "reference"
    refs, bens = _people(reading, text, default)
    if out.get("kind") == "revoke":
        refs, bens = [], bens + refs
    if bens:
        out["beneficiary"] = bens[0]
    titles, roles = reading.of("title"), reading.of("role")
    if refs:
        out["access_like"], out["reference"] = "person", refs[0]
    elif roles:
        out["access_like"], out["reference"] = "role", roles[0].text
    elif titles:
        out["access_like"], out["reference"] = "job_title", titles[0].text
    ents = _entitlements(directory, reading)
    if ents:
        out["entitlements"] = ents
    duration = _duration(directory, text, ctx)
    if duration:
        out["duration"] = duration
    reason = _reason(text, ctx)
    if reason:
        out["reason"] = reason
    hints = _hints(text, reading)
    if hints:
        out["identity_hints"] = hints
    if "access_like" not in out and ents and out.get("kind") != "revoke" and ctx.stage == "new":
        out["access_like"] = "custom"
    return out


def _asks_beneficiary(ctx: ModelContext) -> bool:
    return (
        ctx.stage == "clarify"
        and "beneficiary" in ctx.pending_slots
        and ("reference" not in ctx.pending_slots)
    )


def _people(reading: Reading, text: str, default: str) -> tuple[list[str], list[str]]:
    refs: list[str] = []
    bens: list[str] = []
    for span in reading.of("person"):
        role = _person_role(reading, span) or default
        (refs if role == "reference" else bens).append(span.text)
    for m in _MY_MANAGER.finditer(text):
        before = normalize(text[: m.start()]).split()[-3:]
        (refs if _REF_CUES & set(before) else bens).append("my manager")
    return refs, bens


def _person_role(reading: Reading, span: Span) -> str | None:
    after = reading.after(span, 2)
    if after[:1] == ["s"]:  # "Priya's access"
        return "reference"
    for word in reversed(reading.before(span, 5)):
        if word in _REF_CUES:
            return "reference"
        if word in _FOR_CUES:
            return "beneficiary"
    if after[:1] and after[0] in _AFTER_FOR:
        return "beneficiary"
    return None


def _entitlements(directory: Directory, reading: Reading) -> list[str]:
    out: list[str] = []
    for span in reading.spans:
        if span.kind == "entitlement":
            out.append(span.text)
        elif span.kind == "app":
            levels = levels_near(directory, reading, span)
            out.extend([f"{span.text} {lvl}" for lvl in levels] or [span.text])
    return list(dict.fromkeys(out))


def _duration(directory: Directory, text: str, ctx: ModelContext) -> str | None:
    flag = P.FLAG_DURATION.search(text)
    probe = flag.group(1).strip("\"'") if flag else text
    now = datetime.fromisoformat(ctx.now) if ctx.now else None
    if now is None:
        return None
    try:
        ask = parse_duration(probe, now=now, tz=directory.timezone)
    except DurationError:
        return probe  # the duration tool explains what is wrong with it
    return ask.phrase if ask is not None else None


def _reason(text: str, ctx: ModelContext) -> str | None:
    flag = P.FLAG_REASON.search(text)
    if flag:
        words = flag.group(1).strip("\"'")
        return match_reason(list(ctx.reasons), words) or words
    matched = match_reason(list(ctx.reasons), text)
    if matched:
        return matched
    tail = P.REASON_TAIL.search(text)
    return tail.group(1).strip(" .!") if tail and ctx.stage != "clarify" else None


def _hints(text: str, reading: Reading) -> list[str]:
    apps = {normalize(s.text) for s in reading.of("app")}
    hints = []
    for m in P.ACCOUNT.finditer(text):
        value = m.group(1) or m.group(2)
        if value and normalize(value) not in apps and normalize(value) not in {"new", "my"}:
            hints.append(value)
    return hints


def _action(text: str, fields: dict[str, Any], ctx: ModelContext) -> str:
    if ctx.stage == "new":
        return "request" if fields else "chitchat"
    wants = re.search(
        r"\b(?:i\s+need|i\s+want|can\s+i\s+(?:get|have)|request|give\s+me|"
        r"new\s+request|also\s+need)\b",
        text,
        re.I,
    )
    whole = bool(fields.get("access_like") or fields.get("entitlements"))
    if wants and whole and not P.EDIT.search(text):
        return "request"
    return "edit" if ctx.stage == "proposal" else "answer"


def _answer(
    text: str, reading: Reading, ctx: ModelContext, fields: dict[str, Any]
) -> dict[str, Any]:
    """Fill the slot the bot asked about from a short answer."""
    out: dict[str, Any] = {}
    slots = set(ctx.pending_slots)
    if P.ALL_WORDS.search(text) and "entitlements" in slots:
        out["select_all"] = True
    selection = _selection(text, reading, ctx)
    if selection:
        out["selection"] = selection
    names = [s.text for s in reading.of("person")]
    if names and "reference" in slots and "reference" not in fields:
        out["reference"] = names[0]
    if names and "beneficiary" in slots and "beneficiary" not in fields:
        out["beneficiary"] = names[0]
    if "access_like" in slots and "access_like" not in fields:
        words = set(normalize(text).split())
        for kind, cue in (("person", "person"), ("job_title", "title"), ("role", "role")):
            if cue in words:
                out["access_like"] = kind
    return out


def _selection(text: str, reading: Reading, ctx: ModelContext) -> list[str]:
    words = normalize(text).split()
    picked = [P.ORDINALS[w] for w in words if w in P.ORDINALS]
    picked += [w for w in words if w.isdigit() and 0 < int(w) <= max(len(ctx.choices), 1)]
    if picked:
        return list(dict.fromkeys(picked))
    named: list[tuple[int, str]] = []
    for n, label in enumerate(ctx.choices, start=1):
        label_words = set(normalize(label).split())
        if label_words and label_words <= set(words):
            named.append((len(label_words), str(n)))
        elif any(set(normalize(s.text).split()) <= label_words for s in reading.spans):
            named.append((0, str(n)))
    if ctx.pending_slots[:1] != ("entitlements",) and named:
        return [max(named)[1]]  # one pick: the choice named most fully ("omar-bot")
    return [n for _, n in named]
