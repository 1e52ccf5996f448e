"""Tiny dashboard helpers."""
