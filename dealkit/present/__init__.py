"""Presentation: formats, tables, charts, widgets."""
