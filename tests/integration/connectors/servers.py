"""Starting the real servers the connector tests talk to, or saying clearly why not.

Without slapd the LDAP tests skip with the reason, except under CI=true, where they
fail: `scripts/test` installs slapd, so a CI run without it is broken, not excused.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from slack_app.testing.scim_server import ScimServer, start_scim_server
from slack_app.testing.slapd import Slapd, slapd_path, start_slapd


def run_slapd(workdir: Path) -> Iterator[Slapd]:
    if slapd_path() is None:
        reason = "slapd is not installed: apt-get install slapd ldap-utils (scripts/test does)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the LDAP tests: {reason}", pytrace=False)
        pytest.skip(reason)
    server = start_slapd(workdir)
    try:
        yield server
    finally:
        server.stop()


def run_scim_server(workdir: Path) -> Iterator[ScimServer]:
    server = start_scim_server(workdir / "scim2-server.log")
    try:
        yield server
    finally:
        server.stop()
