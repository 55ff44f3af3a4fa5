"""Views of the platforms app, one module per topic: each role's home (``dashboard``), the
secretariat's settings (``rules``), the public 規約 and privacy pages (``public``)."""
