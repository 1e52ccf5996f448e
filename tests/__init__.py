"""capwatch tests."""
