"""`doctor` names the app whose connector secret is missing; nothing is contacted."""

from __future__ import annotations

from pathlib import Path

import pytest

from slack_app.cli.doctor import checks
from slack_app.settings import Settings
from tests.integration.connectors.org import ORG


def connectors_line(tmp_path: Path) -> tuple[bool, str]:
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'app.db'}", org_file=str(org), model="offline"
    )
    [found] = [c for c in checks(settings) if c.name == "connectors"]
    return found.ok, found.detail


def test_an_unset_env_var_the_org_names_fails_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    for name in ("LDAP_URL", "LDAP_BIND_DN", "JIRA_SCIM_URL", "JIRA_SCIM_TOKEN"):
        monkeypatch.setenv(name, "ldap://127.0.0.1:1" if name == "LDAP_URL" else "x")
    monkeypatch.setenv("GITHUB_HOOK_URL", "https://hooks.acme.test/")
    monkeypatch.setenv("GITHUB_HOOK_SECRET", "s")
    monkeypatch.delenv("LDAP_PASSWORD", raising=False)
    ok, detail = connectors_line(tmp_path)
    assert not ok
    assert "vpn: ldap connector of vpn is not configured" in detail
    assert "LDAP_PASSWORD not set" in detail
    assert "ready: github (webhook), jira (scim)" in detail


def test_every_secret_set_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("LDAP_PASSWORD=from-dotenv\n", encoding="utf-8")
    for name in ("LDAP_URL", "LDAP_BIND_DN", "JIRA_SCIM_URL", "JIRA_SCIM_TOKEN"):
        monkeypatch.setenv(name, "ldap://127.0.0.1:1" if name == "LDAP_URL" else "https://s/")
    monkeypatch.setenv("GITHUB_HOOK_URL", "https://hooks.acme.test/")
    monkeypatch.setenv("GITHUB_HOOK_SECRET", "s")
    monkeypatch.delenv("LDAP_PASSWORD", raising=False)
    ok, detail = connectors_line(tmp_path)
    assert ok, detail
    assert detail == "ready: github (webhook), jira (scim), vpn (ldap)"
