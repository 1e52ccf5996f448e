"""A repository browser."""
