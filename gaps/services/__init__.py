"""Writes (and the exports they log) of the gap analysis, one module per topic."""
