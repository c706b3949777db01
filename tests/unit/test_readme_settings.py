"""Every setting is in the README's configuration table, so operators see each env var."""

from __future__ import annotations

from pathlib import Path

from slack_app.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_every_env_var_has_a_row_in_the_readme() -> None:
    aliases = [str(field.validation_alias) for field in Settings.model_fields.values()]
    missing = [a for a in aliases if f"| `{a}` |" not in README]
    assert not missing, f"add these to README.md's configuration table: {missing}"
