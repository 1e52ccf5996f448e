"""Helpers that need a recent interpreter."""
