"""Forms of the platforms app, one module per topic."""
