"""Word patterns the offline model reads: refusals, cancel/confirm, kind, cues, reasons.

Each pattern is written for what people type into access bots, and each is tested by
the eval suite rather than trusted. Each is also linear in the length of the text (rule
7): where a search could start at every word of a long run or line and rescan the rest
of it each time, it looks only so far (a word of at most 64 characters) or only up to
the next place where a later start decides the same (tests/unit/agent/test_long_text.py).
"""

from __future__ import annotations

import re

_I = re.IGNORECASE


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), _I)


_APPROVAL = (
    r"(?:approv\w*|sign[-\s]?offs?|security\s+reviews?|review\s+steps?|reviews?|"
    r"(?:manager|owner|security|approval|first|second|last)\s+steps?)"
)
_NEGATOR = (
    r"(?:skip\w*|bypass\w*|circumvent\w*|avoid\w*|waiv\w*|disabl\w*|turn(?:ing)?\s+off|"
    r"remov\w*|without|no|don'?t\s+need|no\s+need\s+for|no\s+time\s+for|not\s+wait\w*\s+for|"
    r"overrid\w*|ignor\w*|drop\w*|cut)"
)

# Asking to go around approval: "no approval needed", "skip dana's approval", "--no-approval".
SKIP_APPROVAL = _any(
    rf"\b{_NEGATOR}\W+(?:[\w']+\W+){{0,3}}?{_APPROVAL}",
    rf"\b{_APPROVAL}\W+(?:is\s+|are\s+)?(?:not\s+(?:required|needed|necessary)|unnecessary|"
    r"optional|skipped|waived|bypassed|done|granted|given)\b",
    rf"\b{_APPROVAL}\s*[\"']?\s*[:=]\s*(?:\[\s*\]|none|null|false|skip\w*|no|off|\"\"|'')",
    r"\b(?:pre[-\s]?approved|already\s+(?:been\s+)?approved|approved_by|approved\s+by|"
    r"auto[-\s]?approv\w*|approved\s+in\s+advance|verbal(?:ly)?\s+approv\w*|rubber[-\s]?stamp)",
    r"\b(?:status|state)\W{0,3}(?:=|:)?\W{0,3}(?:approved|granted|done)\b",
    r"\b(?:flip|set|change|switch|turn|move)\s+(?:it|this|that|the\s+request|the\s+status|"
    r"my\s+request)\s+(?:to|into)\s+(?:approved|granted|done)\b",
    r"\bmark\w*\s+.{0,40}?\b(?:approved|done|granted|complete[d]?)\b",
    r"\b(?:said|says)\s+yes\b|\bgave\s+(?:me\s+)?(?:the\s+)?(?:ok|okay|go[-\s]ahead|green\s+light)",
    r"\bwrite\s+(?:an?\s+|the\s+)?approval\b|\breply\s+.{0,30}\bapproved\b",
    r"\bfast[-\s]?track\w*|\b(?:admin|emergency|manager)\s+override\b|\bbreak[-\s]?glass\s+without",
    r"\bapprov\w*\s+(?:is\s+)?(?:a\s+)?formality\b",
    r"\b(?:consider|treat|count)\s+(?:it|this|that|the\s+request)\s+(?:as\s+)?(?:approved|granted)",
    r"\b(?:don'?t|do\s+not|never)\s+(?:send|route|forward|show|tell|notify|ask)\s+"
    r"(?:it\s+|this\s+)?(?:to\s+)?(?:security|my\s+manager|the\s+owners?|\w+)\b.{0,20}",
)

# Approving, by the bot or the requester: "approve it yourself", "approve request 42".
# "approve it for me ... manager" on one line asks for the manager's approval. Each such
# phrase looks for "manager" only up to the next one on its line, which then decides.
_APPROVE = (
    r"(?<!\bwho\s)(?<!\bto\s)(?<!\bcan\s)(?<!\bwill\s)(?<!\bmust\s)(?<!\bshould\s)"
    r"\bapprove\b(?!\s*\?)"
)
_FOR_ME = r"\s+(?:it|this)\s+for\s+me\b"
_NEXT_FOR_ME = rf"{_APPROVE}[^\S\n]+(?:it|this)[^\S\n]+for[^\S\n]+me\b"
SELF_APPROVAL = _any(
    rf"{_APPROVE}(?!{_FOR_ME}.*?(?:\bmanager\b|{_NEXT_FOR_ME}))",
    r"\bself[-\s]?approv\w*|\bapprove\s+my\s+own\b",
    r"\b(?:allowed|able|authori[sz]ed|permitted)\s+to\s+approve\b",
    # "treat this message as my approval", "this is my sign-off": the requester approving
    r"\b(?:treat|consider|count|take|use|read)\s+(?:[\w']+\s+){0,3}?as\s+(?:my|our)\s+(?:own\s+)?"
    r"(?:approv\w*|sign[-\s]?off|ok|okay|go[-\s]?ahead)\b",
    r"\b(?:this|that|it)\s+(?:message\s+)?(?:is|counts\s+as|serves\s+as)\s+my\s+(?:approv\w*|sign[-\s]?off)\b",
)

# Choosing one's approver: "make me the approver", "route it to priya instead of dana".
CHANGE_APPROVER = _any(
    r"\b(?:make|set|add|put|assign|use|list)\s+(?:me|myself|yourself|you|him|her|them|[\w.@-]+"
    r"(?:\s+[\w.-]+)?)\s+(?:as\s+|to\s+be\s+)?(?:the\s+|an?\s+|my\s+|sole\s+)*approvers?\b",
    r"[\"']?approvers?[\"']?\s*[:=]",
    r"\bapprovers?\s+(?:is|should\s+be|will\s+be|must\s+be|=)\b",
    r"\b(?:route|send|forward|redirect|assign)\s+.{0,40}?\b(?:approval|request|it)\b.{0,40}?"
    r"\binstead\s+of\b",
    r"\b(?:change|switch|replace|swap)\s+(?:the\s+|my\s+)?approvers?\b",
    r"\b(?:i\s+am|i'm|im)\s+(?:the|my\s+own|an?)\s+approver\b",
    r"\b(?:i\s+am|i'm|this\s+is)\s+\w+\s+from\s+(?:security|it|the\s+\w+\s+team)\b",
    r"\b(?:change|update|set|switch|swap|replace|edit|modify|reassign)\s+(?:my|his|her|their)\s+"
    r"(?:line\s+)?manager\b|\bso\s+(?:she|he|they|i|we)\s+can\s+approve\b",
    r"\bmake\s+[\w.@-]+(?:\s+[\w.-]+)?\s+(?:my|his|her|their)\s+(?:new\s+)?manager\b",
)

INJECTION = _any(
    r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+|your\s+)?"
    r"(?:previous|prior|above|earlier|preceding|system|original|these)?\s*(?:instructions?|rules|"
    r"prompts?|guidelines|policies|policy|constraints|safeguards|guardrails)\b",
    r"\bsystem\s+prompt\b|\byou\s+are\s+now\b|\bdeveloper\s+mode\b|\bjailbreak\w*\b",
    r"\bnew\s+(?:instructions?|policy|rule)\b|\bact\s+as\s+(?:an?\s+)?(?:admin|administrator|"
    r"root|the\s+system|my\s+manager)",
    r"</?\s*(?:system|assistant|instructions?)\s*>|^\s*(?:system|assistant)\s*:|"
    r"\[\s*(?:system|admin|root)[\w\s]*\]|\bSYSTEM\s*:",
    r"\bpretend\s+(?:to\s+be|you\s+are|that)\b|\brole[-\s]?play\b",
    r"\b(?:reveal|print|show|repeat)\s+(?:your|the)\s+(?:system\s+)?(?:prompt|instructions)",
    r"\byou\s+are\s+an?\s+(?:\w+\s+){0,3}assistant\b|\balways\s+says?\s+yes\b",
    r"\bsay\s+(?:yes|approved|granted)\b|\breply\s+only\s+with\b|\brespond\s+only\s+with\b",
    r"\bdecode\s+(?:this|the\s+following)\b|\bdo\s+what\s+it\s+says\b|\bbase64\b",
    r"\broot\s+access\s+to\s+(?:the\s+)?bot\b",
    r"\b(?:grant|give)\s+(?:it\s+to\s+)?everyone\b|\ball\s+(?:users|employees|staff)\b|"
    r"\beveryone\s+in\b|\bwhole\s+(?:team|company|org|department)\b|\bentire\s+(?:team|company|"
    r"org|department)\b|[\"']beneficiary[\"']\s*:\s*[\"']\*",
    r"\b(?:make|set)\s+me\s+(?:an?\s+)?(?:admin|administrator|owner)\s+of\s+(?:this|the)\s+bot\b",
    r"\bno\s+(?:rules|restrictions|limits|filters)\b|\blet'?s\s+play\s+a\s+game\b|"
    r"\bnobody\s+(?:needs|has)\s+to\s+know\b|\bDAN\s+mode\b",
)

# "my laptop ... is stuck": from each device word, only up to the next one (which would
# find the same complaint); "lunch" with no "access" after it: only up to the next such
# word, so the last one on the line decides, as it would have.
_DEVICE = r"\b(?:laptop|printer|monitor|keyboard)\b"
_OFF_TOPIC = r"lunch|dinner|coffee|holiday|vacation\s+days?|expense\s+report|payslip"
_OFF_TOPIC_ON_LINE = _OFF_TOPIC.replace(r"\s+", r"[^\S\n]+")
OUT_OF_SCOPE = _any(
    r"\b(?:tell|write)\s+(?:me\s+)?(?:a|an)\s+(?:joke|poem|story|essay|song)\b",
    # "write me a bash script", "generate a SQL query": work the bot does not do
    r"\b(?:write|generate|draft|code)\s+(?:me\s+|us\s+)?(?:a|an|some)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:script|program|function|query|regex|macro|snippet|code|cron\s*job|one[-\s]?liner)s?\b",
    r"\bweather\b|\brecipe\b|\bstock\s+price\b|\bsports?\s+scores?\b|\bcapital\s+of\b",
    r"\bwho\s+won\b|\btranslate\s+(?:this|the\s+following)\b|\bsummari[sz]e\s+(?:this|the)\b",
    r"\bdelete\s+(?:the\s+)?(?:database|audit|logs?)\b|\bdrop\s+table\b|\brm\s+-rf\b",
    r"\b(?:salary|salaries|home\s+address|password)\s+(?:of|for)\b",
    r"\b(?:wifi|wi-fi)\b|\bpassword\s*\?|\breset\s+my\s+(?:laptop|computer|phone|mac|pc)\b|"
    rf"{_DEVICE}(?:(?!{_DEVICE}).)*?\b(?:stuck|broken|fix|reset|repair)\b",
    r"\bbook\s+(?:me\s+)?(?:a|the)\s+(?:\w+\s+){0,3}(?:room|desk|flight|hotel|table)\b",
    rf"\b(?:{_OFF_TOPIC})\b(?!.*?\b(?:access|{_OFF_TOPIC_ON_LINE})\b)",
)

CANCEL = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|no|actually|please|pls|just|hmm+|oh|wait|sorry)[\s,.!]{1,8}){0,3}"
    r"/?(?:cancel|never\s*mind|nevermind|forget\s+(?:it|that|about\s+it)|stop|abort|"
    r"no\s+thanks|scratch\s+that|don'?t\s+(?:submit|bother)|nope,?\s+cancel|quit)\b",
    _I,
)
CONFIRM = re.compile(
    r"^\s*(?:yes|yep|yeah|y|confirm(?:ed)?|submit(?:\s+it)?|looks\s+good|lgtm|go\s+ahead|"
    r"ok(?:ay)?|sure|correct|that'?s\s+(?:it|right|correct))\s*[.!]*\s*$",
    _I,
)
SERVICE_ACCOUNT = re.compile(
    r"\b(?:to|for|on)\s+(?:the\s+|our\s+)?([\w.-]+)\s+(?:service|bot|robot|machine)\s+(?:account|user)",
    _I,
)
REVOKE = _any(
    r"\b(?:revo\w*|remove|removing|deprovision|de-provision|offboard|take\s+away|take\s+back|"
    r"get\s+rid\s+of|give\s+up|relinquish|drop|disable)\b",
    r"\b(?:take|kick|boot)\s+(?:[\w.'@<>|-]{1,64}\s+){1,3}?(?:off|out\s+of)\b",
    r"\bno\s+longer\s+need\b|\bdon'?t\s+need\s+\w+(?:\s+\w+){0,4}\s+any\s*more\b",
)
SELF_WORDS = frozenset({"me", "myself", "i", "my", "mine"})

# Words that mark what follows as the access-like reference ("same as Priya").
LIKE_CUES = _any(
    r"\b(?:same|similar)\s+(?:access|permissions|rights|setup|stuff)?\s*(?:as|like|to)\b",
    r"\b(?:like|as|mirror(?:ing)?|copy(?:ing)?|match(?:ing)?|clone|cloning|what)\b",
    r"\baccess\s+(?:like|of)\b",
)
# Words that mark what follows as the beneficiary ("for Alex", "give Alex").
FOR_CUES = _any(
    r"\b(?:for|give|grant|get|add|onboard|provision|on\s+behalf\s+of|behalf\s+of|to)\b",
)
NEW_HIRE = re.compile(r"\b(?:new|newly\s+hired|incoming|junior)\b", _I)
ALL_WORDS = re.compile(
    r"\b(?:all(?:\s+of\s+(?:them|it|those))?|everything|both|every\s+one|the\s+lot|"
    r"all\s+(?:the\s+)?(?:grants|access|of\s+the\s+above))\b",
    _I,
)
ORDINALS = {
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "fifth": "5",
    "sixth": "6",
    "seventh": "7",
    "eighth": "8",
    "ninth": "9",
    "tenth": "10",
    "last": "last",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "1st": "1",
    "2nd": "2",
    "3rd": "3",
    "4th": "4",
    "5th": "5",
}
ADDITIVE = re.compile(r"\b(?:too|also|as\s+well|add|plus|and\s+also)\b", _I)
EDIT = re.compile(r"\b(?:actually|instead|change|make\s+it|rather|switch|update|edit)\b", _I)
ACCOUNT = re.compile(
    r"\b(?:account|username|user|login|identity)\s+(?:named\s+|called\s+)?[\"'`]?"
    r"([\w.@-]*[\d._-][\w.@-]*)[\"'`]?|"
    r"\b(?:my|the|our)\s+[\"'`]?([\w.-]+)[\"'`]?\s+(?:account|login|user|identity)\b",
    _I,
)
FLAG_REASON = re.compile(r"--reason[=\s]+(\"[^\"]+\"|'[^']+'|\S+)", _I)
FLAG_DURATION = re.compile(r"--(?:duration|for|until)[=\s]+(\"[^\"]+\"|'[^']+'|\S+)", _I)
# Names the directory does not know, in the places names go: the tools then say so.
UNKNOWN_APP = _any(
    r"\b(?:access\s+(?:to|on|for)|login\s+(?:to|for)|account\s+(?:on|in|for)|into|on\s+the)\s+"
    r"(?!(?:a|an|the|my|our|same|it|this|that|prod|production|dev|staging)\b)([a-z][\w.-]{2,})",
    r"\b(?:a|an)\s+([a-z][\w.-]{2,})\s+(?:pro\s+|premium\s+|business\s+)?(?:licen[cs]e|seat|"
    r"account|login|subscription)\b",
    r"^\s*(?:i\s+need\s+|need\s+|can\s+i\s+get\s+|please\s+)?([a-z][\w.-]{2,})\s+(?:admin|"
    r"editor|viewer|user|read[-\s]?only|write|access|pro)\b",
    # "Tableau creator license", "a Miro seat": a product with a licence is an app
    r"^\s*(?:i\s+need\s+|need\s+|can\s+i\s+get\s+|please\s+)?([a-z][\w.-]{2,})\s+"
    r"(?:[a-z][\w-]{1,20}\s+)?(?:licen[cs]e|seat|subscription)s?\b",
)
UNKNOWN_TITLE = re.compile(
    r"\b(?:access\s+like|same\s+(?:access\s+)?as|what)\s+(?:a|an|the|other|new)\s+"
    r"((?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*?)s?\b(?=\s+(?:gets?|has|have|for|until|till|through|"
    r"permanent|,|$))",
    _I,
)
# Words of at most 64 characters: from every "-" in a long hyphenated run the search would
# otherwise rescan the rest of the run.
UNKNOWN_ROLE = re.compile(
    r"\b(?:the\s+)?((?:[a-z][\w-]{0,63}\s+){0,2}[a-z][\w-]{0,63})\s+role\b", _I
)
# "what my title gets", "standard access for my job title": the requester's own title.
MY_TITLE = re.compile(r"\bmy\s+(?:own\s+)?(?:job\s+)?title\b", _I)
GIVE_TO = re.compile(r"\b(?:give|grant|onboard|add|provision|set\s+up)\s+([a-z][\w'-]+)\b", _I)
