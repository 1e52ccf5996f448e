"""Looks like a statistics helper; main() is what a README tells people to call."""
from .collect import main

__all__ = ["main"]
