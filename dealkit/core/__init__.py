"""Core: money, calendar, cash flows."""
