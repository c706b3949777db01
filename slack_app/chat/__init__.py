"""The local chat: the same graph and services as Slack, in a terminal."""
