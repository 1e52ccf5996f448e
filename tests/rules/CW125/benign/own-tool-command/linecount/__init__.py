"""Counts lines."""
