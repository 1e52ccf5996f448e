"""A faster start for Python scripts."""
