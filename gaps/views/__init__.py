"""Views of the gap analysis, one module per topic."""
