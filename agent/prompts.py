"""Prompts are versioned files in `prompts/`, loaded by name: `<name>.v<N>.md`.

The text is static (no per-request content) so providers can cache it as a prefix;
`sha256` fingerprints the exact text a run used, for eval reports and logs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources

PACKAGE = "prompts"


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    text: str
    sha256: str  # first 12 hex digits of the text's SHA-256


def available_versions(name: str) -> list[int]:
    """The versions of `name` shipped in the prompts package, ascending."""
    pattern = re.compile(rf"{re.escape(name)}\.v(\d+)\.md")
    found = (pattern.fullmatch(f.name) for f in resources.files(PACKAGE).iterdir())
    return sorted(int(m.group(1)) for m in found if m)


def load_prompt(name: str, version: int | None = None) -> Prompt:
    """The prompt `name` at `version`, or its highest version when none is given."""
    versions = available_versions(name)
    if not versions:
        raise FileNotFoundError(f"no prompt named {name!r} in {PACKAGE}/")
    chosen = versions[-1] if version is None else version
    if chosen not in versions:
        raise FileNotFoundError(f"no version {chosen} of prompt {name!r} (have {versions})")
    text = resources.files(PACKAGE).joinpath(f"{name}.v{chosen}.md").read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return Prompt(name=name, version=chosen, text=text, sha256=digest)
