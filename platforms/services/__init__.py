"""Writes of the platforms app, one module per topic: ``creation`` (a new platform and the setup
steps of the apps above), ``rules`` (the secretariat's settings)."""
