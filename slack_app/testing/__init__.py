"""Loopback stand-ins for Slack's Web API and an OpenAI endpoint, and request signing,
for tests and benchmarks. The product never imports this package (import-linter)."""
