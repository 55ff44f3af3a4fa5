"""Forms of the audit app, one module per topic."""
