"""A status page for a fleet of machines."""
