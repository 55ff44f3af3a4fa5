"""Forms of the partnership capability, one module per topic."""
