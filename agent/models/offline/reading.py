"""From one message (and where the conversation stands) to an `Ask`, with rules only."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from agent.answers import choice_number
from agent.ask import Ask
from agent.models.offline import patterns as P
from agent.models.offline.actions import edit_ask, narrowed, with_pasted
from agent.models.offline.ends import end_words, without_absences
from agent.models.offline.justification import find_justification, why_fields
from agent.models.offline.settled import by_phrase, settled
from agent.models.offline.spans import COMMON, Reading, Span, levels_near, read
from agent.models.port import ModelContext
from agent.pasted import split_pasted
from domain.model.directory import Directory
from domain.model.durations import DurationError, parse_duration
from tools.matching import name_index, normalize, title_form

_REF_CUES = frozenset(
    "like as same mirror mirroring copy copying match matching what clone similar whatever "
    "everything all".split()
)
_FOR_CUES = frozenset(
    "for give grant get add onboard provision behalf set revoke remove from".split()
)
_AFTER_FOR = frozenset("needs need wants requires should will is starts joined joins".split())
_AFTER_REF = frozenset("has have gets got holds does".split())
_AFTER_NEUTRAL = frozenset(
    "said says told asked mentioned suggested thinks thought approved agreed knows wrote writes "
    "emailed messaged".split()
)
_BEFORE_STATE = frozenset("i m im am the my our be joining".split())
_MY_MANAGER = re.compile(r"\bmy\s+(?:line\s+)?(?:manager|boss|supervisor|lead|mgr)\b", re.I)


def understand(directory: Directory, text: str, ctx: ModelContext) -> Ask:
    """The ask in the requester's own words; pasted parts give at most a justification."""
    split = split_pasted(text)
    ask = _understand_own(directory, split.own, ctx)
    return with_pasted(directory, ask, split, ctx.now, ctx.reasons)


def _understand_own(directory: Directory, own: str, ctx: ModelContext) -> Ask:
    why = find_justification(directory, own, ctx.now, weak_cues=not _asks_beneficiary(ctx))
    text = end_words(own if why is None else own[: why.start] + "\n" + own[why.end :])
    phrase = _duration(directory, end_words(without_absences(own)), ctx)
    if ctx.stage == "clarify" and "duration" in ctx.pending_slots:
        phrase = by_phrase(own, phrase)  # "by a week" answering an extension's "Until when?"
    plain = P.FLAG_REASON.sub(" ", P.FLAG_DURATION.sub(" ", text))
    if phrase and phrase in plain and phrase != text:
        plain = plain.replace(phrase, " ")  # "until March 20" is a date, not Marco
    answer = plain
    accounts = [m.group(1) or m.group(2) for m in P.ACCOUNT.finditer(plain)]
    named = _usernames(directory, plain)
    for account in dict.fromkeys([*accounts, *named]):
        plain = plain.replace(account, " ")  # "omar-h" is an account
    if ctx.stage == "clarify" and ctx.pending_slots[:1] == ("identity",):
        plain = ""  # an account name answers "which account", whoever it sounds like
    reading = read(directory, plain)
    early = settled(own, text, reading, ctx, phrase, _entitlements(directory, reading))
    if early is not None:
        return early
    fields = _fields(directory, text, reading, ctx, phrase)
    fields.update(why_fields(why, reading, own, ctx.reasons))
    action = _action(text, fields, ctx)
    if action == "edit":
        return edit_ask(directory, text, why, phrase, ctx.reasons)
    if action == "request":
        fields = narrowed(directory, text, fields)
        if fields.get("access_like") == "person":
            fields["select_all"] = True  # "same access as X" is all of it, at once
    if ctx.stage == "clarify":
        fields.update(_answer(answer, reading, ctx, fields))
    return Ask(action=action, **fields)


def _fields(
    directory: Directory, text: str, reading: Reading, ctx: ModelContext, phrase: str | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if P.REVOKE.search(text):
        out["kind"] = "revoke"
    default = "beneficiary" if _asks_beneficiary(ctx) else "reference"
    refs, bens = _people(reading, text, default)
    if out.get("kind") == "revoke":
        refs, bens = [], bens + refs
    if bens:
        out["beneficiary"] = bens[0]
    out.update(_access_like(reading, refs))
    ents = _entitlements(directory, reading)
    extras = {
        "entitlements": ents,
        "duration": phrase,
        "identity_hints": _hints(directory, text, reading),
    }
    out.update({name: value for name, value in extras.items() if value})
    if "access_like" not in out and ents and out.get("kind") != "revoke" and ctx.stage == "new":
        out["access_like"] = "custom"
    if out.get("access_like") == "person" and P.ALL_WORDS.search(text):
        out["select_all"] = True
    if ctx.stage == "new":
        _unknown_names(text, reading, out)
    _role_or_title(directory, reading, out)
    if "access_like" not in out and out.get("kind") != "revoke" and P.MY_TITLE.search(text):
        out["access_like"], out["reference"] = "job_title", "my title"
    if "access_like" not in out and ctx.stage == "new":
        unknown = _unknown_reference(text)
        if unknown:
            out["access_like"], out["reference"] = "person", unknown
    return out


def _access_like(reading: Reading, refs: list[str]) -> dict[str, Any]:
    """Whose access is mirrored: a person named first, else a role, else a job title."""
    titles = [
        t
        for t in reading.of("title")
        if reading.before(t, 3)[-1:] != ["as"]
        or not (reading.of("app") or reading.of("entitlement"))
    ]  # "as IT admin, set paul up with jira": who I am
    roles = reading.of("role")
    if refs:
        return {"access_like": "person", "reference": refs[0]}
    if roles:
        return {"access_like": "role", "reference": roles[0].text}
    if titles:
        return {"access_like": "job_title", "reference": titles[0].text}
    return {}


def _asks_beneficiary(ctx: ModelContext) -> bool:
    return (
        ctx.stage == "clarify"
        and "beneficiary" in ctx.pending_slots
        and ("reference" not in ctx.pending_slots)
    )


def _people(reading: Reading, text: str, default: str) -> tuple[list[str], list[str]]:
    refs: list[str] = []
    bens: list[str] = []
    label = _LABEL.match(text)
    for span in reading.of("person"):
        if _neutral(reading, span) or (_related(reading, span) and not _PRONOUN_FOR.search(text)):
            continue
        role = _person_role(reading, span) or default
        if label and span.start == 0 and normalize(label.group(1)) == normalize(span.text):
            role = "beneficiary"  # "George Miller: same access as Karl": the card is George's
        (refs if role == "reference" else bens).append(span.text)
    words: list[str] = []  # the three words before each "my manager": each part read once
    last = 0
    for m in _MY_MANAGER.finditer(text):
        between = text[last : m.start()]
        clause = re.split(r"[.!?;:\n]", between)  # "for a week. my lead wrote": no "for" him
        words = [*(words if len(clause) == 1 else []), *normalize(clause[-1]).split()][-3:]
        last, before = m.start(), set(words)
        if set(normalize(text[m.end() : m.end() + 16]).split()[:1]) & _AFTER_NEUTRAL:
            continue  # "my lead wrote ...", "my manager said ...": who said it
        if _REF_CUES & before:
            refs.append("my manager")
        elif _FOR_CUES & before:
            bens.append("my manager")
    service = P.SERVICE_ACCOUNT.search(text)
    if service:
        bens.insert(0, service.group(1))  # not a person: the tools refuse it
    return refs, bens


# "as Alex's skip-level", "I'm Priya's manager": how the requester stands to them
_RELATIONS = frozenset(
    "skip level skiplevel manager boss lead supervisor mentor buddy backup teammate colleague "
    "peer report".split()
)
_PRONOUN_FOR = re.compile(r"\b(?:for|give|get|grant|add|onboard)\s+(?:him|her|them)\b", re.I)


def _related(reading: Reading, span: Span) -> bool:
    after = reading.after(span, 2)
    return after[:1] == ["s"] and after[1:2] != [] and after[1] in _RELATIONS


_LABEL = re.compile(r"^\s*([^\W\d][\w.' -]{0,63}?)\s*:(?!//)")


def _person_role(reading: Reading, span: Span) -> str | None:
    after = reading.after(span, 2)
    if after[:1] == ["s"]:  # "Priya's access"; "as Alex's skip-level ... for him": Alex's
        return "beneficiary" if _related(reading, span) else "reference"
    for word in reversed(reading.before(span, 5)):
        if word in _REF_CUES:
            return "reference"
        if word in _FOR_CUES:
            return "beneficiary"
    if after[:1] and after[0] in _AFTER_FOR:
        return "beneficiary"
    if after[:1] and after[0] in _AFTER_REF:
        return "reference"
    return None


def _neutral(reading: Reading, span: Span) -> bool:
    """ "dana said I should ask": a person mentioned, not a beneficiary or a reference."""
    after = reading.after(span, 1)
    before = reading.before(span, 2)
    after2 = reading.after(span, 2)
    back = after2[:1] == ["is"] and after2[1:] and after2[1] in {"back", "out", "away", "returning"}
    return bool(after and after[0] in _AFTER_NEUTRAL) or before == ["my", "manager"] or bool(back)


def _unknown_names(text: str, reading: Reading, out: dict[str, Any]) -> None:
    """Names in the places names go that the directory doesn't know: pass them on as
    written, so the tools refuse with "no such app/role/title/person" instead of asking."""
    known = {normalize(s.text) for s in reading.spans}
    if "access_like" not in out and "entitlements" not in out:
        for pattern, kind in ((P.UNKNOWN_ROLE, "role"), (P.UNKNOWN_TITLE, "job_title")):
            m = pattern.search(text)
            if m and normalize(m.group(1)) not in known and m.group(1).casefold() != "the":
                out["access_like"] = kind
                out["reference"] = re.sub(r"^the\s+", "", m.group(1), flags=re.I)
                return
        m = P.UNKNOWN_APP.search(text)
        word = next((g for g in (m.groups() if m else ()) if g), None)
        if word and normalize(word) not in COMMON and normalize(word) not in known:
            out["entitlements"], out["access_like"] = [word], "custom"
    if "beneficiary" not in out:
        g = P.GIVE_TO.search(text)
        if g and normalize(g.group(1)) not in COMMON and not _inside_span(reading, g.group(1)):
            out["beneficiary"] = g.group(1)


def _inside_span(reading: Reading, word: str) -> bool:
    w = normalize(word)
    return any(w in normalize(s.text).split() for s in reading.spans)


def _role_or_title(directory: Directory, reading: Reading, out: dict[str, Any]) -> None:
    """ "like a data analyst": both a role and a job title, unless the words say which."""
    if out.get("access_like") != "role":
        return
    role = reading.of("role")[0] if reading.of("role") else None
    if role is None:
        return
    near = set(reading.words[max(0, role.start - 2) : role.end + 2])
    if "role" in near or "bundle" in near:
        return
    plural = role.text.endswith("s") and not reading.words[role.end - 1].endswith("ss")
    is_title = title_form(role.text) in name_index(directory).titles.exact
    if plural or "other" in reading.before(role, 2):
        if is_title:  # "the other data analysts": people with that title
            out["access_like"] = "job_title"
        return  # "what new SREs get": the role "New SRE", no title is called that
    if is_title:
        out["access_like"] = None
        del out["access_like"]


_UNKNOWN_REF = re.compile(
    r"\b(?:same\s+(?:access|permissions|rights)?\s*as|access\s+like|mirror|copy)\s+"
    r"(?!(?:a|an|the|my|our|other|new|what)\b)([a-z][\w.'-]*(?:\s+[a-z][\w'-]*)?)",
    re.I,
)


def _unknown_reference(text: str) -> str | None:
    """A name after "same access as" that the directory does not know: the tools say so."""
    m = _UNKNOWN_REF.search(text)
    if m is None:
        return None
    words = [w for w in m.group(1).split() if w.casefold() not in {"for", "until", "but", "and"}]
    return " ".join(words[:2]).strip(" .,'s") or None


def _entitlements(directory: Directory, reading: Reading) -> list[str]:
    """Entitlement ids where a span names one; else "App level" or the app's name."""
    out: list[str] = []
    named_apps = set()
    for span in reading.of("entitlement"):
        if (
            " " not in span.text
            and reading.before(span, 1)
            and (reading.before(span, 1)[0] in _BEFORE_STATE)
        ):
            continue  # "I'm on-call" says why, not what
        if normalize(span.text) in _RELATIONS and reading.before(span, 1) == ["s"]:
            continue  # "I'm Priya's manager": who I am, not PagerDuty · Manager
        if (
            span.text == "on call"
            and reading.before(span, 1)[:1]
            and (reading.before(span, 1)[0] in _BEFORE_STATE)
        ):
            continue
        out.append(span.ids[0])
        named_apps.add(directory.app_of[span.ids[0].casefold()].id)
    for span in reading.of("app"):
        apps = [a for i in span.ids if (a := directory.app(i)) is not None]
        if not apps:
            continue
        name = apps[0].name if len(apps) == 1 else span.text  # "aws": several apps
        levels = levels_near(directory, reading, span)
        if levels:
            out.extend(f"{name} {lvl}" for lvl in levels)
        elif not {a.id for a in apps} & named_apps:
            out.append(name)
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


def _hints(directory: Directory, text: str, reading: Reading) -> list[str]:
    apps = {normalize(s.text) for s in reading.of("app")}
    hints = []

    for m in P.ACCOUNT.finditer(text):
        value = m.group(1) or m.group(2)
        if value and normalize(value) not in apps and normalize(value) not in {"new", "my"}:
            hints.append(value)
    hints += [u for u in _usernames(directory, text) if u not in hints]
    return hints


_WORD = re.compile(r"[\w.@-]+")
_ACCOUNT_MARK = re.compile(r"[\d._-]")
_ON_ACCOUNT = re.compile(r"\b(?:on|use|using|with|via)[^\S\n]+([\w.@-]{1,64})", re.I)


def _usernames(directory: Directory, text: str) -> list[str]:
    """Accounts named as written: "github write on omar-h" (spec §1, "on mokafor"). A word
    is one when it is an account name in the org (never an app's name) and has the look of
    one ("omar-h") or follows "on", "use", "with", "via" without being a person's name."""
    index = name_index(directory)
    words = [w for m in _WORD.finditer(text) if _ACCOUNT_MARK.search(w := m.group().strip(".-"))]
    words += [
        m.group(1)
        for m in _ON_ACCOUNT.finditer(text)
        if normalize(m.group(1)) not in index.people.words
    ]
    return list(
        dict.fromkeys(
            w
            for w in words
            if w.casefold() in index.usernames and normalize(w) not in index.apps.exact
        )
    )


def _action(text: str, fields: dict[str, Any], ctx: ModelContext) -> str:
    if ctx.stage == "new":
        return "request" if fields else "chitchat"
    wants = re.search(
        r"\b(?:i\s+need|i\s+want|can\s+i\s+(?:get|have)|request|give\s+me|new\s+request)\b",
        text,
        re.I,
    )
    whole = bool(fields.get("access_like") or fields.get("entitlements"))
    if wants and whole and not P.EDIT.search(text) and not P.ADDITIVE.search(text):
        return "request"
    if ctx.stage == "proposal" and fields.get("reference") and _MIRRORS.search(text):
        return "request"  # "actually, same access as Ben": another card, not a change
    return "edit" if ctx.stage == "proposal" else "answer"


_MIRRORS = re.compile(
    r"\b(?:same|similar|mirror\w*|copy\w*|clone)\b|\baccess\s+like\b|"
    r"'s\s+(?:access|permissions|setup)\b|\bwhat\s+\S+(?:\s+\S+)?\s+(?:has|gets)\b",
    re.I,
)


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


_FILLER = frozenset(
    "the a an one ones please i want need just only that this it its and or on for with use "
    "account accounts access level give me my".split()
)


def _selection(text: str, reading: Reading, ctx: ModelContext) -> list[str]:
    """Choices the answer picks: by number or ordinal, else by the words of their labels."""
    words = normalize(text).split()
    picked = [P.ORDINALS[w] for w in words if w in P.ORDINALS]
    picked += [w for w in words if choice_number(w, len(ctx.choices)) is not None]
    if picked:
        return list(dict.fromkeys(picked))
    multi = ctx.pending_slots[:1] == ("entitlements",)
    segments = re.split(r"\band\b|,|&|\bplus\b", normalize(text)) if multi else [text]
    found: list[str] = []
    for segment in segments:
        for n in _best_labels(normalize(segment).split(), ctx.choices):
            if n not in found:
                found.append(n)
    if not multi and len(found) > 1:
        return []  # one pick, and the words fit several: ask again rather than guess
    return found


def _best_labels(words: list[str], choices: tuple[str, ...]) -> list[str]:
    wanted = [w for w in words if w not in _FILLER]
    if not wanted:
        return []
    scores = []
    for n, label in enumerate(choices, start=1):
        label_words = set(normalize(label).split())
        exact = 10 if set(wanted) == label_words else 0
        scores.append((_overlap(wanted, label_words) + exact, str(n)))
    best = max((s for s, _ in scores), default=0)
    return [n for s, n in scores if s == best] if best > 0 else []


def _overlap(wanted: list[str], label: set[str]) -> int:
    """How many answer words name a word of the label ("dev" names "development")."""
    return sum(
        1 for w in wanted if any(w == lw or (len(w) >= 3 and lw.startswith(w)) for lw in label)
    )
