"""Checks your environment."""
