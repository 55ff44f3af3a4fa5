"""Writes of the resource directory, one module per topic: every change as a ``do_<verb>()`` in a transaction that logs it."""
