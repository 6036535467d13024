"""Rules: the deal's clauses as pure functions."""
