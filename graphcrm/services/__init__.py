"""Use cases: read from a store, run analytics, return domain results."""
