"""The kit's core."""
VERSION = "1.0"
