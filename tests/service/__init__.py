"""Tests of the review service (``capwatch serve``)."""
