"""The edges: Slack (Bolt), HTTP (FastAPI), the CLI and the local chat."""
