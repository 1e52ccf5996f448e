"""Vector helpers."""
from fastmath.core import dot

__all__ = ["dot"]
