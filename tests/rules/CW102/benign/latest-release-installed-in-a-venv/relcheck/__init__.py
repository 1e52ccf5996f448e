"""Release checks for the relcheck package."""
