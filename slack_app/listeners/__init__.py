"""The Slack surfaces: one module per surface, each exposing `register(app, deps)`.

Listeners ack first, then work in the background (`process_before_response=False`),
running the synchronous agent and domain code in a worker thread. Submissions and
decisions go through `slack_app.services.requests` only, with the clicking user's
id mapped to a person and checked by the domain; nothing passes through the model.
"""
