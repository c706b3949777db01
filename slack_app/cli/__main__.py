"""`python -m slack_app.cli`: the same command as `access-agent`."""

from slack_app.cli import main

raise SystemExit(main())
