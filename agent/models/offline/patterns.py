"""Word patterns the offline model reads: refusals, cancel/confirm, kind, cues, reasons.

Each pattern is written for what people type into access bots, and each is tested by
the eval suite rather than trusted.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), _I)


SKIP_APPROVAL = _any(
    r"\b(?:skip|skipping|bypass|bypassing|circumvent|avoid|override|waive|no\s+need\s+for|"
    r"without(?:\s+(?:any|an|the|waiting\s+for))?|don'?t\s+(?:need|bother\s+with|wait\s+for)|"
    r"no)\s+(?:the\s+|any\s+|my\s+|manager(?:'s)?\s+)?(?:approvals?|approvers?|review|"
    r"sign[-\s]?off|manager\s+approval|the\s+manager)\b",
    r"\b(?:pre[-\s]?approved|already\s+(?:been\s+)?approved|auto[-\s]?approve\w*|"
    r"approved\s+in\s+advance|verbal(?:ly)?\s+approv\w*)",
    r"\b(?:mark|set|flag|treat|consider|record)\s+(?:it|this|that|the\s+request|my\s+request)?"
    r"\s*(?:as\s+)?(?:approved|granted|done)\b",
    r"\bapprove\s+(?:it|this|that|my\s+request|the\s+request)\s+(?:yourself|automatically|"
    r"right\s+away|now|immediately|for\s+me)\b",
    r"\b(?:just|directly)\s+(?:grant|give|provision)\s+(?:it|me|this|access)\b.*\b(?:now|"
    r"directly|no\s+questions)\b",
    r"\bfast[-\s]?track\b|\bemergency\s+(?:override|bypass|access\s+without)\b",
    r"\bgrant\s+(?:it|this|access)\s+(?:directly|immediately|right\s+now)\b",
    r"\bno\s+one\s+needs\s+to\s+approve\b|\bapproval\s+(?:is\s+)?not\s+(?:needed|required)\b",
)

SELF_APPROVAL = _any(
    r"\b(?:i(?:'ll|\s+will|\s+can|\s+should)?|let\s+me|allow\s+me\s+to)\s+approve\s+"
    r"(?:it|this|that|my\s+own|my\s+request)",
    r"\bapprove\s+my\s+own\b|\bself[-\s]?approv\w*",
    r"\bi\s+am\s+(?:the|my\s+own|an?)\s+approver\b|\bi'm\s+(?:the|my\s+own)\s+approver\b",
)

CHANGE_APPROVER = _any(
    r"\b(?:set|make|add|put|use|assign)\s+(?:me|myself|yourself|you|him|her|them|\S+@\S+|"
    r"\w+(?:\s+\w+)?)\s+(?:as|to\s+be)\s+(?:the\s+|an?\s+|my\s+)?approvers?\b",
    r"\b(?:change|switch|replace|remove|drop)\s+(?:the\s+|my\s+)?approvers?\b",
    r"\b(?:route|send|forward|assign)\s+(?:the\s+|this\s+|my\s+)?(?:approval|request|it)\s+"
    r"(?:to|for\s+approval\s+to)\s+(?:me|myself|my\s+friend|\w+)\b(?!.*\bmanager\b)",
    r"\bapprovers?\s+(?:should|must|will|can)\s+be\b",
    r"\b(?:make|let)\s+\w+\s+(?:approve|sign\s+off)\b",
)

INJECTION = _any(
    r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+|your\s+|my\s+)?"
    r"(?:previous|prior|above|earlier|preceding|system|original)?\s*(?:instructions?|rules|"
    r"prompts?|guidelines|policies|policy|constraints)\b",
    r"\bsystem\s+prompt\b|\byou\s+are\s+now\b|\bdeveloper\s+mode\b|\bjailbreak\w*\b",
    r"\bnew\s+instructions?\b|\bact\s+as\s+(?:an?\s+)?(?:admin|administrator|root|the\s+system)",
    r"</?\s*(?:system|assistant|instructions?)\s*>|^\s*(?:system|assistant)\s*:|"
    r"\[\s*(?:system|admin)\s*\]|\bSYSTEM\s*:",
    r"\bpretend\s+(?:to\s+be|you\s+are|that)\b|\brole[-\s]?play\b",
    r"\b(?:reveal|print|show|repeat)\s+(?:your|the)\s+(?:system\s+)?(?:prompt|instructions)",
    r"\bset\s+(?:state|status)\s*=\s*\w+|\bstatus\s*:\s*approved\b|\"?state\"?\s*:\s*\"?approved",
    r"\b(?:grant|give)\s+(?:it\s+to\s+)?everyone\b|\ball\s+(?:users|employees)\s+(?:get|should)",
)

OUT_OF_SCOPE = _any(
    r"\b(?:tell|write)\s+(?:me\s+)?(?:a|an)\s+(?:joke|poem|story|essay|song)\b",
    r"\bweather\b|\brecipe\b|\bstock\s+price\b|\bsports?\s+scores?\b|\bcapital\s+of\b",
    r"\bwho\s+won\b|\btranslate\s+(?:this|the\s+following)\b|\bsummari[sz]e\s+(?:this|the)\b",
    r"\bdelete\s+(?:the\s+)?(?:database|audit|logs?)\b|\bdrop\s+table\b|\brm\s+-rf\b",
    r"\b(?:salary|salaries|home\s+address|password)\s+(?:of|for)\b",
)

CANCEL = re.compile(
    r"^\s*(?:cancel|never\s*mind|nevermind|forget\s+(?:it|that|about\s+it)|stop|abort|"
    r"no\s+thanks|scratch\s+that|don'?t\s+(?:submit|bother)|nope,?\s+cancel|quit)\b",
    _I,
)
CONFIRM = re.compile(
    r"^\s*(?:yes|yep|yeah|y|confirm(?:ed)?|submit(?:\s+it)?|looks\s+good|lgtm|go\s+ahead|"
    r"ok(?:ay)?|sure|correct|that'?s\s+(?:it|right|correct))\s*[.!]*\s*$",
    _I,
)
REVOKE = _any(
    r"\b(?:revoke|remove|removing|deprovision|de-provision|offboard|take\s+away|take\s+back|"
    r"get\s+rid\s+of|give\s+up|relinquish|drop|disable)\b",
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
    r"\b(?:account|username|user|login|identity)\s+[\"'`]?([\w.@-]+)[\"'`]?|"
    r"\bmy\s+[\"'`]?([\w.-]+)[\"'`]?\s+(?:account|login|user)\b",
    _I,
)
FLAG_REASON = re.compile(r"--reason[=\s]+(\"[^\"]+\"|'[^']+'|\S+)", _I)
FLAG_DURATION = re.compile(r"--(?:duration|for|until)[=\s]+(\"[^\"]+\"|'[^']+'|\S+)", _I)
REASON_TAIL = re.compile(
    r"\b(?:because|since|as\s+i|reason\s*[:=]|for\s+the\s+|for\s+an?\s+|due\s+to|needed\s+for|"
    r"to\s+work\s+on|to\s+help\s+with|working\s+on)\s*(.+)$",
    _I,
)
