"""Talking to Slack's Web API: retrying calls, users, notices, replies."""
