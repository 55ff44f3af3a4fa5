"""Models of the directory capability."""
