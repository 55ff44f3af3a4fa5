"""Writes of the partnership capability, one module per topic; each runs in a transaction and is audited."""
