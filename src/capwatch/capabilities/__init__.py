"""The capability catalogue, its matching of APIs and command lines, and indicators."""
