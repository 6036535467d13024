"""Engines: vectorized calculations over many scenarios."""
