"""The model port and its adapters (OpenAI-compatible, offline deterministic)."""
