"""Deterministic, read-only operations the agent may call. None submits, approves or grants."""
