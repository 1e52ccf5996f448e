"""HTML helpers."""
