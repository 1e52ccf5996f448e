from .core import banner
