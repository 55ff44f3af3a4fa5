"""Forms of the resource directory, one module per topic."""
