"""The access-request domain: org model, policies, request lifecycle, persistence ports."""
