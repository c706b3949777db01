"""Making outside text safe to show: escaped for mrkdwn, cut to Slack's limits.

Slack reads `<...>` in mrkdwn as mentions and links (`<!channel>`, `<@U123>`,
`<https://x|y>`), so a name, a reason or a model's words could ping a channel or
disguise a link. Escaping `&`, `<` and `>` (Slack's three control characters) shows
them as typed. plain_text fields are never parsed, so they are cut, not escaped.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")


def mrkdwn(text: str) -> str:
    """`text` shown literally inside mrkdwn: no mentions, links or broadcasts."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when cut.

    An escape sequence cut in half (`&am`) is dropped so the result stays valid mrkdwn.
    """
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    head = _PARTIAL_ENTITY.sub("", head)
    return head + ELLIPSIS
