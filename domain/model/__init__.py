"""Entities and rules: the org, requests and their lifecycle, policy, caps, durations. Pure."""
