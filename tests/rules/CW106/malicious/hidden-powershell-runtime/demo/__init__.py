"""Example package."""
