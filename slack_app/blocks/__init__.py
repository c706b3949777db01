"""Block Kit payloads: pure functions from domain data to Slack dicts, one module per surface.

Nothing here calls Slack. Every action_id, callback_id and block_id comes from
`ids.Action`; every user- or model-originated string placed in mrkdwn goes through
`escape.mrkdwn`; every builder keeps Slack's size limits by truncating, never failing.
"""
