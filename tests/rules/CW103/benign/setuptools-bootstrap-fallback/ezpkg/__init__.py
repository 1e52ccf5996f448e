"""A package whose setup script bootstraps setuptools only where it is missing."""
