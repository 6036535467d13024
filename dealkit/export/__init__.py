"""Exports: the workbook, the Open Cap Format folder, CSV and .ics, written all or nothing."""
