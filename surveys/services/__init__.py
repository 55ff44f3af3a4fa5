"""Writes of the surveys capability: every one a ``do_<verb>`` in a transaction with an audit entry."""
