from .fetch import download_and_build

__all__ = ["download_and_build"]
