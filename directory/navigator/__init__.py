"""The resident navigator: /p/<slug>/ (home), search, service pages, guided questions, map."""
