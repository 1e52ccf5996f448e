"""A frozen application's support package."""

from ._importer import install

__all__ = ["install"]
