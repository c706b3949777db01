"""What happens to a request: submit, decide, fulfil, expire, and the scheduler that runs them."""
