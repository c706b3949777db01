"""Use cases as the edges call them: chat and Slack share these, so both behave alike."""
