"""Per-rule handwritten examples and the test that finds them."""
