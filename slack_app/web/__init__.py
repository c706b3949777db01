"""The FastAPI server: Slack's request URL and its payload gate, health, /metrics."""
