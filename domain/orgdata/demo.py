"""The shipped demo org ("Acme Corp"): the org file the local chat, the docs and the
eval suite use when no org of one's own is configured (see docs/demo-org.md)."""

from __future__ import annotations

from importlib.resources import files

from domain.model.org import OrgData
from domain.orgdata.orgfile import parse_org

_RESOURCE = "demo_org.yaml"


def demo_org_text() -> str:
    """The demo org file exactly as shipped (YAML, with its comments)."""
    return files("domain.orgdata").joinpath(_RESOURCE).read_text(encoding="utf-8")


def load_demo_org() -> OrgData:
    """The demo org, parsed and checked like any imported org file."""
    return parse_org(demo_org_text())
