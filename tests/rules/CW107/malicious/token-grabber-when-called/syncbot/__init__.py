"""A chat bot helper whose sync() is what its README tells people to call."""
from .sync import sync

__all__ = ["sync"]
