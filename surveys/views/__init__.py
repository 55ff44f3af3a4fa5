"""Views of the surveys capability."""
