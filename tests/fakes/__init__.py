"""Fakes for tests: loopback servers and scripted models, used through real clients."""
