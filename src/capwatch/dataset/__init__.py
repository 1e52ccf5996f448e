"""Labelled corpora, families, metrics and the evaluation harness behind capwatch eval."""
