from .refresh import refresh_cache

__all__ = ["refresh_cache"]
