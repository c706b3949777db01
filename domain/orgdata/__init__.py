"""The org data file: read, check and write it; the shipped demo org."""
