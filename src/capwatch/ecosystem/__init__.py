"""Package formats: identity, metadata and the role and phase of each file."""
